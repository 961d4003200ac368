-- The posted cash ledger (int_payment_allocations_posted) as known on the as-of date:
-- the rows posted by then (posting_date <= as-of date), netted per payment, document or
-- unapplied reason, and match. A past as-of date therefore shows what was posted by that
-- day, not what a later day would decide. Same columns as int_payment_allocations, so
-- applications and unapplied cash read the ledger the way they read the proposal.
--
-- Kept as a keyed projection (macros/keyed_projection.sql): a day re-projects the payments
-- with a posting since (cash_postings_touched).

{%- set since = keyed_projection('payment_id') %}

with
{%- if since is not none %}

touched as (
    {{ cash_postings_touched(since) }}
),
{%- endif %}

posted as (
    select * from {{ ref('int_payment_allocations_posted') }}
    where posting_date <= {{ as_of_date() }}
    {%- if since is not none %}
        and payment_id in (select payment_id from touched)
    {%- endif %}
),

{%- set keys = cash_allocation_columns() | reject('equalto', 'amount') | list %}

final as (
    select
        {%- for column in cash_allocation_columns() %}
        {% if column == 'amount' %}cast(sum(amount) as decimal(18, 2)) as amount{% else %}{{ column }}{% endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from posted
    group by
        {{ keys | join(',\n        ') }}
    having sum(amount) <> 0
)

{{ keyed_projection_rows(since, 'final', 'touched', 'payment_id') }}

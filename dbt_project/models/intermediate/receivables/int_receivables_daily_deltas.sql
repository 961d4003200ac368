-- What changes the receivables on each day, per entity and document currency: the sum of
-- the movements dated that day (receivables_delta), of those that enter or leave the
-- overdue balance that day (overdue_delta: a document counts as overdue from its
-- overdue_from_date, so its issue enters then and each application leaves it on the later
-- of its own day and that one), and of the documents issued that day (credit_sales_delta,
-- signed). Every day of history up to the as-of date that has one; int_receivables_daily
-- lays the KPI window's calendar over it and sums. Days, not documents: a few thousand
-- rows however many invoices.
--
-- The daily series from the earliest changed date: kept as a keyed projection by day
-- (macros/keyed_projection.sql). A day re-projects every day from the earliest date among
-- the movements int_document_movements replaced or wrote since (its dated key log), or
-- from the day after the last build if that is earlier (documents fall overdue as days
-- pass), up to the as-of date; the days before stand as they were.
{%- set reads = ['int_document_movements'] %}
{%- set since = keyed_projection('delta_date', reads=reads) %}

with
{%- if since is not none %}

changed_from as (
    select least(
        coalesce(({{ keyed_projection_earliest(since, reads) }}), {{ since.as_of_date }} + 1),
        {{ since.as_of_date }} + 1
    ) as from_date
),
{%- endif %}

documents as (
    select * from {{ ref('int_documents_issued') }}
    {%- if since is not none %}
    where issue_date >= (select from_date from changed_from)
    {%- endif %}
),

movements as (
    select * from {{ ref('int_document_movements') }}
    {%- if since is not none %}
    where balance_date >= (select from_date from changed_from)
        or overdue_from_date >= (select from_date from changed_from)
    {%- endif %}
),

receivable_deltas as (
    select
        entity_id,
        currency,
        balance_date as delta_date,
        movement_amount as receivables_delta,
        0 as overdue_delta,
        0 as credit_sales_delta
    from movements
),

overdue_deltas as (
    select
        entity_id,
        currency,
        greatest(balance_date, overdue_from_date) as delta_date,
        0 as receivables_delta,
        movement_amount as overdue_delta,
        0 as credit_sales_delta
    from movements
    where overdue_from_date <= {{ as_of_date() }}
),

credit_sales_deltas as (
    select
        entity_id,
        currency,
        issue_date as delta_date,
        0 as receivables_delta,
        0 as overdue_delta,
        signed_amount as credit_sales_delta
    from documents
),

all_deltas as (
    select * from receivable_deltas
    union all
    select * from overdue_deltas
    union all
    select * from credit_sales_deltas
),

daily_deltas as (
    select
        entity_id,
        currency,
        delta_date,
        sum(receivables_delta) as receivables_delta,
        sum(overdue_delta) as overdue_delta,
        sum(credit_sales_delta) as credit_sales_delta
    from all_deltas
    where delta_date <= {{ as_of_date() }}
    {%- if since is not none %}
        and delta_date >= (select from_date from changed_from)
    {%- endif %}
    group by entity_id, currency, delta_date
),
{%- if since is not none %}

touched as (
    select delta_date
    from {{ this }}
    where delta_date >= (select from_date from changed_from)
    union
    select delta_date from daily_deltas
),
{%- endif %}

final as (
    select
        cast(entity_id as varchar) as entity_id,
        cast(currency as varchar) as currency,
        delta_date,
        cast(receivables_delta as decimal(18, 2)) as receivables_delta,
        cast(overdue_delta as decimal(18, 2)) as overdue_delta,
        cast(credit_sales_delta as decimal(18, 2)) as credit_sales_delta
    from daily_deltas
)

{{ keyed_projection_rows(since, 'final', 'touched', 'delta_date') }}

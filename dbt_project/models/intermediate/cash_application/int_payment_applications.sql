-- One row per (payment, invoice, applied_date): the amount of a payment applied to an
-- invoice, with how it was matched (match_method) and how sure that is (confidence,
-- 0-1). When a bank credit was returned (int_payment_returns_matched), the return first
-- reduces its unapplied part; the rest reverses its applications, latest applied first,
-- as negative rows (match_method return_reversal) dated the return's booking day.
--
-- Kept as a keyed projection (macros/keyed_projection.sql): a day re-projects the payments
-- with a posting since (cash_postings_touched), with a return before or now, and those
-- applied, before or now, to an invoice touched since (its customer may have changed, or
-- it may not be issued any more: documents_touched).

-- depends_on: {{ ref('stg_erp__document_versions') }}
-- depends_on: {{ ref('stg_erp__documents') }}
-- depends_on: {{ ref('int_payment_allocations_posted') }}
-- depends_on: {{ ref('int_payment_returns_matched') }}
{%- set since = keyed_projection('payment_id') %}

with

payments as (
    select * from {{ ref('int_payments') }}
),

allocations as (
    select * from {{ ref('int_payment_allocations_as_of') }}
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),
{%- if since is not none %}

touched_documents as (
    {{ documents_touched(since) }}
),

touched as (
    {{ cash_postings_touched(since) }}
    union
    select payment_id from {{ ref('int_payment_returns_matched') }}
    union
    select payment_id from {{ this }} where match_method = 'return_reversal'
    union
    select payment_id
    from allocations
    where document_id in (select document_id from touched_documents)
    union
    select payment_id
    from {{ this }}
    where document_id in (select document_id from touched_documents)
),
{%- endif %}

applied as (
    select *
    from allocations
    where document_id is not null
    {%- if since is not none %}
        and payment_id in (select payment_id from touched)
    {%- endif %}
),

unapplied_per_payment as (
    select
        payment_id,
        sum(amount) as unapplied_amount
    from allocations
    where document_id is null
    {%- if since is not none %}
        and payment_id in (select payment_id from touched)
    {%- endif %}
    group by payment_id
),

to_reverse as (
    select
        applied.*,
        payments.returned_date,
        greatest(
            payments.returned_amount - coalesce(unapplied_per_payment.unapplied_amount, 0),
            0
        ) as reversal_total,
        coalesce(sum(applied.amount) over (
            partition by applied.payment_id
            order by applied.applied_date desc, applied.document_id desc
            rows between unbounded preceding and 1 preceding
        ), 0) as later_applied
    from applied
    inner join payments
        on applied.payment_id = payments.payment_id
    left join unapplied_per_payment
        on applied.payment_id = unapplied_per_payment.payment_id
    where payments.returned_amount > 0
),

reversals as (
    select
        payment_id,
        payment_source,
        document_id,
        -least(amount, greatest(reversal_total - later_applied, 0)) as amount,
        currency,
        returned_date as applied_date,
        'return_reversal' as match_method,
        {{ cash_confidence('return_reversal') }} as confidence
    from to_reverse
    where reversal_total - later_applied > 0
),

applications as (
    select
        payment_id,
        payment_source,
        document_id,
        amount,
        currency,
        applied_date,
        match_method,
        confidence
    from applied

    union all

    select * from reversals
),

final as (
    select
        applications.payment_id,
        applications.payment_source,
        applications.document_id,
        invoices.customer_id,
        cast(applications.amount as decimal(18, 2)) as applied_amount,
        applications.currency,
        applications.applied_date,
        applications.match_method,
        cast(applications.confidence as decimal(3, 2)) as confidence
    from applications
    inner join invoices
        on applications.document_id = invoices.document_id
)

{{ keyed_projection_rows(since, 'final', 'touched', 'payment_id') }}

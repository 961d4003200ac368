-- The invoices the payments decided on the as-of date D (int_payments_to_allocate) may be
-- applied to, with what the standing payments of the posted cash ledger hold on them
-- (held_amount, posted before D; a retried payment's holdings included): the invoices of their payers and the invoices they
-- name validly (an exact reference settles its invoice whoever pays). The allocation
-- steps fill gross_amount less held_amount, so a payment posted once keeps what it took
-- and the day's work grows with the day's payments, not with history.
{%- set ledger = cash_ledger_relation('int_payment_allocations_posted') %}
with

payments as (
    select * from {{ ref('int_payments_to_allocate') }}
),

claims as (
    select * from {{ ref('int_payment_documents_claimed') }}
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),

named_documents as (
    select distinct claims.document_id
    from claims
    inner join payments
        on claims.payment_id = payments.payment_id
    where claims.claim_status = 'valid'
),

payers as (
    select distinct customer_id
    from payments
    where customer_id is not null
),

relevant as (
    select invoices.*
    from invoices
    where invoices.customer_id in (select customer_id from payers)
        or invoices.document_id in (select document_id from named_documents)
),

held as (
    {%- if ledger is not none %}
    select
        ledger.document_id,
        sum(ledger.amount) as held_amount
    from {{ ledger }} as ledger
    inner join relevant
        on ledger.document_id = relevant.document_id
    -- a payment decided anew (changed since posted) holds nothing that stands; a retried
    -- one keeps what it holds
    left join payments
        on ledger.payment_id = payments.payment_id
        and payments.decided_as <> 'retry'
    where ledger.posted_on < {{ as_of_date() }}
        and payments.payment_id is null
    group by ledger.document_id
    {%- else %}
    select
        cast(null as varchar) as document_id,
        cast(null as decimal(18, 2)) as held_amount
    where false
    {%- endif %}
),

final as (
    select
        relevant.*,
        cast(coalesce(held.held_amount, 0) as decimal(18, 2)) as held_amount
    from relevant
    left join held
        on relevant.document_id = held.document_id
)

select * from final

-- One row per allocation of a payment applied first in, first out within its customer
-- (BGB §366(2): without a named debt, the oldest due first): ERP payments without a
-- (known) invoice, and bank payments of a known payer that named nothing and fit no
-- amount rule. Per customer and currency, the payments decided today in payment order
-- (payment_date, payment_id) are laid against the invoices still open after the standing
-- payments of the posted ledger, named and amount matches and the credit notes reserved
-- in int_named_claims_settled, in due order (due_date,
-- issue_date, document_id); each payment applies the overlap of
-- the two cumulative intervals. What is left over is unapplied: overpayment, or
-- currency_mismatch when the customer has no invoice in the payment's currency.
with

payments as (
    select * from {{ ref('int_payments_to_allocate') }}
),

invoices as (
    {{ cash_invoices_to_allocate() }}
),

settled as (
    select * from {{ ref('int_named_claims_settled') }}
),

by_amount as (
    select * from {{ ref('int_payments_allocated_by_amount') }}
),

fifo_payments as (
    select
        payment_id,
        payment_source,
        payment_date,
        amount,
        currency,
        customer_id,
        identified_by,
        customer_id || '|' || currency as allocation_key
    from payments
    where allocation_route = 'fifo'
        or (
            allocation_route = 'by_amount'
            and payment_id not in (select payment_id from by_amount)
        )
),

applied_before as (
    select
        document_id,
        settled_amount as amount
    from settled
    where consumer_type = 'credit_note'
        or allocation_route = 'named'

    union all

    select
        document_id,
        amount
    from by_amount
    where document_id is not null
),

applied_before_per_invoice as (
    select
        document_id,
        sum(amount) as applied_amount
    from applied_before
    group by document_id
),

open_invoices as (
    select
        invoices.document_id,
        invoices.issue_date,
        invoices.customer_id || '|' || invoices.currency as allocation_key,
        invoices.gross_amount - coalesce(applied_before_per_invoice.applied_amount, 0)
            as open_amount,
        row_number() over (
            partition by invoices.customer_id, invoices.currency
            order by invoices.due_date, invoices.issue_date, invoices.document_id
        ) as item_order
    from invoices
    left join applied_before_per_invoice
        on invoices.document_id = applied_before_per_invoice.document_id
    where invoices.gross_amount - coalesce(applied_before_per_invoice.applied_amount, 0) > 0
),

fifo_queue as (
    select
        allocation_key,
        payment_id,
        amount,
        row_number() over (
            partition by allocation_key order by payment_date, payment_id
        ) as payment_order
    from fifo_payments
),

{{ cash_fifo_ctes('fifo', 'fifo_queue', 'open_invoices') }},

applied as (
    select
        fifo_applied.payment_id,
        fifo_applied.document_id,
        fifo_applied.applied_amount as amount,
        greatest(fifo_payments.payment_date, open_invoices.issue_date) as applied_date,
        'fifo' as match_method,
        case
            when fifo_payments.payment_source = 'erp' then {{ cash_confidence('fifo_erp') }}
            when fifo_payments.identified_by in ('iban', 'learned_iban') then {{ cash_confidence('fifo_iban') }}
            when fifo_payments.identified_by = 'customer_reference'
                then {{ cash_confidence('fifo_customer_reference') }}
            else {{ cash_confidence('fifo_name') }}
        end as confidence,
        cast(null as varchar) as unapplied_reason
    from fifo_applied
    inner join fifo_payments
        on fifo_applied.payment_id = fifo_payments.payment_id
    inner join open_invoices
        on fifo_applied.document_id = open_invoices.document_id
),

applied_per_payment as (
    select
        payment_id,
        sum(amount) as applied_amount
    from applied
    group by payment_id
),

customer_currencies as (
    select distinct
        customer_id || '|' || currency as allocation_key
    from invoices
),

unapplied as (
    select
        fifo_payments.payment_id,
        cast(null as varchar) as document_id,
        fifo_payments.amount - coalesce(applied_per_payment.applied_amount, 0) as amount,
        fifo_payments.payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        case
            when customer_currencies.allocation_key is null then 'currency_mismatch'
            else 'overpayment'
        end as unapplied_reason
    from fifo_payments
    left join applied_per_payment
        on fifo_payments.payment_id = applied_per_payment.payment_id
    left join customer_currencies
        on fifo_payments.allocation_key = customer_currencies.allocation_key
    where fifo_payments.amount > coalesce(applied_per_payment.applied_amount, 0)
),

final as (
    select
        payment_id,
        document_id,
        cast(amount as decimal(18, 2)) as amount,
        applied_date,
        match_method,
        cast(confidence as decimal(3, 2)) as confidence,
        unapplied_reason
    from applied

    union all

    select
        payment_id,
        document_id,
        cast(amount as decimal(18, 2)) as amount,
        applied_date,
        match_method,
        confidence,
        unapplied_reason
    from unapplied
)

select * from final

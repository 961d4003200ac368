-- Step 1 of credit-note application (int_credit_note_applications unions both steps).
-- One row per credit note issued on or before the as-of date that names its invoice
-- (applies_to_document_id, same currency) and finds something of it still open: the
-- part applied to the invoice, up to the invoice's remaining amount — gross amount less
-- the payments applied to it (int_payment_applications, net of reversals) and less
-- earlier credit notes (issue_date, credit_note_id). What a credit note cannot apply
-- (the invoice was already paid) stays open, as does every credit note without an
-- invoice, unless a payer deducts it (int_credit_notes_deducted).
with

credit_notes as (
    select * from {{ ref('int_credit_notes_linked') }}
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),

applications as (
    select * from {{ ref('int_payment_applications') }}
),

paid as (
    select
        document_id,
        sum(applied_amount) as paid_amount
    from applications
    group by document_id
),

remaining as (
    select
        credit_notes.credit_note_id,
        credit_notes.document_id,
        credit_notes.customer_id,
        credit_notes.issue_date,
        credit_notes.credit_amount,
        credit_notes.currency,
        invoices.gross_amount - coalesce(paid.paid_amount, 0) - coalesce(sum(credit_notes.credit_amount) over (
            partition by credit_notes.document_id
            order by credit_notes.issue_date, credit_notes.credit_note_id
            rows between unbounded preceding and 1 preceding
        ), 0) as remaining_amount
    from credit_notes
    inner join invoices
        on credit_notes.document_id = invoices.document_id
    left join paid
        on credit_notes.document_id = paid.document_id
),

final as (
    select
        credit_note_id,
        document_id,
        customer_id,
        cast(least(credit_amount, remaining_amount) as decimal(18, 2)) as applied_amount,
        currency,
        issue_date as applied_date
    from remaining
    where remaining_amount > 0
)

select * from final

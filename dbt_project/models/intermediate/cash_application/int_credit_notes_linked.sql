-- One row per credit note issued on or before the as-of date that names the invoice it
-- corrects (applies_to_document_id) in the same currency: the candidates for
-- int_credit_note_applications. Credit notes without (a known) invoice stay negative
-- open items and are not listed.
with

documents as (
    select * from {{ ref('stg_erp__documents') }}
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),

credit_notes as (
    select
        document_id as credit_note_id,
        applies_to_document_id,
        issue_date,
        gross_amount,
        upper(currency) as currency
    from documents
    where document_type = 'credit_note'
        and applies_to_document_id is not null
        and issue_date <= {{ as_of_date() }}
),

final as (
    select
        credit_notes.credit_note_id,
        invoices.document_id,
        invoices.customer_id,
        credit_notes.issue_date,
        cast(credit_notes.gross_amount as decimal(18, 2)) as credit_amount,
        invoices.currency
    from credit_notes
    inner join invoices
        on credit_notes.applies_to_document_id = invoices.document_id
        and credit_notes.currency = invoices.currency
)

select * from final

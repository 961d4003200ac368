-- The document register: every invoice and credit note issued by the as-of date, open or
-- settled, with the due date it ages by. The customer page's document history reads it.

with

documents as (
    select * from {{ ref('int_documents_issued') }}
),

final as (
    select
        {{ as_of_date() }} as as_of_date,
        cast(document_id as varchar) as document_id,
        cast(document_type as varchar) as document_type,
        cast(customer_id as varchar) as customer_id,
        cast(entity_id as varchar) as entity,
        issue_date,
        effective_due_date as due_date,
        is_due_date_defaulted,
        cast(signed_amount as decimal(18, 2)) as amount,
        cast(currency as varchar) as currency,
        cast(payment_reference as varchar) as payment_reference
    from documents
)

select * from final

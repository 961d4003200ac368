-- One row per invoice issued on or before the as-of date, with the keys payments are
-- matched on (parsed once per invoice version: int_invoice_keys, which says how).
-- Credit notes are never targets of a payment.
with

documents as (
    select * from {{ ref('stg_erp__documents') }}
),

keys as (
    select * from {{ ref('int_invoice_keys') }}
),

invoices as (
    select *
    from documents
    where document_type = 'invoice'
        and issue_date <= {{ as_of_date() }}
),

final as (
    select
        invoices.document_id,
        invoices.customer_id,
        invoices.issue_date,
        coalesce(invoices.due_date, invoices.issue_date) as due_date,
        upper(invoices.currency) as currency,
        invoices.gross_amount,
        keys.document_id_upper,
        keys.payment_reference_compact,
        keys.order_id_upper,
        case
            when keys.order_id_upper is not null
                then count(*) over (partition by keys.order_id_upper)
        end as order_id_invoices,
        keys.number_prefix,
        keys.number_key,
        keys.sequence_key,
        keys.sequence_length
    from invoices
    inner join keys
        on keys.document_id = invoices.document_id
        and keys.version_file_seq = invoices.version_file_seq
)

select * from final

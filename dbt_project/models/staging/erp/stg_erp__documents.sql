-- Each document's version as known on the as-of date: a filter on the versions state
-- (stg_erp__document_versions), no window over all raw rows.
with

latest as (
    {{ source_versions_known(ref('stg_erp__document_versions')) }}
),

final as (
    select
        document_id,
        document_type,
        customer_id,
        issue_date,
        due_date,
        amount as gross_amount,
        -- credit notes reduce the receivable: signed from the company's point of view
        case when document_type = 'credit_note' then -amount else amount end as signed_amount,
        currency,
        nullif(trim(payment_reference), '') as payment_reference,
        entity as entity_id,
        order_id,
        description,
        nullif(trim(applies_to_document_id), '') as applies_to_document_id,
        _source_file as source_file,
        _file_seq as version_file_seq
    from latest
)

select * from final

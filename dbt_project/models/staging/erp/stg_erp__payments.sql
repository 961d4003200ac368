-- Each ERP-cleared payment as known on the as-of date: a filter on the versions state
-- (stg_erp__payment_versions). file_seq is the file of the version: a payment re-sent
-- unchanged keeps the file that first brought it.
with

latest as (
    {{ source_versions_known(ref('stg_erp__payment_versions')) }}
),

final as (
    select
        payment_id,
        customer_id,
        nullif(trim(document_id), '') as document_id,
        amount,
        currency,
        payment_date,
        _source_file as source_file,
        _file_seq as file_seq
    from latest
)

select * from final

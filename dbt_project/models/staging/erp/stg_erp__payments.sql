with

source as (
    select * from {{ source('raw', 'erp__payments') }}
),

latest as (
    {{ latest_version('source', 'payment_id') }}
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

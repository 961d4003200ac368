with

source as (
    select * from {{ source('raw', 'erp__customers') }}
),

latest as (
    {{ latest_version('source', 'customer_id') }}
),

final as (
    select
        customer_id,
        name as customer_name,
        customer_type,
        country as country_code,
        language as language_code,
        currency as customer_currency,
        email,
        phone,
        street,
        postal_code,
        city,
        upper(replace(replace(replace(vat_id, ' ', ''), '.', ''), '-', '')) as vat_id,
        payment_terms_days,
        credit_limit as credit_limit_amount,
        collector,
        entity as entity_id,
        iban as payer_iban,
        _source_file as source_file
    from latest
)

select * from final

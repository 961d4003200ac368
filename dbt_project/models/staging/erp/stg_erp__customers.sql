-- Each customer's master data as known on the as-of date: a filter on the versions state
-- (stg_erp__customer_versions), no window over all raw rows.
with

latest as (
    {{ source_versions_known(ref('stg_erp__customer_versions')) }}
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
        _source_file as source_file,
        _file_seq as version_file_seq
    from latest
)

select * from final

-- What payments identify a customer by, derived once per customer version (the name's
-- normalisation is the costly part): a build derives only the versions added since the
-- last one. int_payers_identified joins them to the customers known on the as-of date by
-- customer and version.
--   customer_key     the customer number, upper case ("C10001"): a word of the text
--   customer_digits  its digits ("10001"): what follows "Kd-Nr."
--   normalised_name  the name without legal forms (cash_normalise_name)
--   sorted_name      the same words sorted, for names written surname first
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

versions as (
    {{ source_versions_added(ref('stg_erp__customer_versions')) }}
),

normalised as (
    select
        customer_id,
        _file_seq as version_file_seq,
        upper(customer_id) as customer_key,
        {{ cash_regexp_replace_all('customer_id', "'[^0-9]'", "''") }} as customer_digits,
        {{ cash_normalise_name('name') }} as normalised_name
    from versions
),

final as (
    select
        customer_id,
        version_file_seq,
        customer_key,
        customer_digits,
        normalised_name,
        {{ cash_sort_words('normalised_name') }} as sorted_name
    from normalised
)

select * from final

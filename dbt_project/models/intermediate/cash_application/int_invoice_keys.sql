-- The keys payments are matched on, parsed once per invoice version (the regular
-- expressions cost more than everything else about an invoice): a build parses only the
-- versions added since the last one it parsed. int_invoices_keyed joins them to the
-- invoices known on the as-of date by document and version.
-- Document numbers like "RE-2025-000123" are split into letter prefix, year and sequence
-- ("2025-123" is the number key, "123" the sequence key), so a remittance written
-- "Rg. 2025/123", "RE 2025 000123" or "2025000123" finds it; the order number ("Order
-- PO-1427-9998", as card payouts carry it) is a key too.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

versions as (
    {{ source_versions_added(ref('stg_erp__document_versions'), "document_type = 'invoice'") }}
),

parsed as (
    select
        document_id,
        _file_seq as version_file_seq,
        upper(document_id) as document_id_upper,
        upper(replace(nullif(trim(payment_reference), ''), ' ', '')) as payment_reference_compact,
        nullif(upper(trim(order_id)), '') as order_id_upper,
        {{ cash_regexp_extract('upper(document_id)', cash_document_number_pattern(), 1) }}
            as number_prefix,
        {{ cash_regexp_extract('upper(document_id)', cash_document_number_pattern(), 2) }}
            as number_year,
        {{ cash_regexp_extract('upper(document_id)', cash_document_number_pattern(), 3) }}
            as number_sequence
    from versions
),

final as (
    select
        document_id,
        version_file_seq,
        document_id_upper,
        payment_reference_compact,
        order_id_upper,
        number_prefix,
        case
            when number_sequence is not null
                then {{ cash_number_key('number_year', 'number_sequence') }}
        end as number_key,
        case
            when number_sequence is not null
                then {{ cash_sequence_key('number_sequence') }}
        end as sequence_key,
        length(number_sequence) as sequence_length
    from parsed
)

select * from final

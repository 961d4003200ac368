-- Every version of every ERP customer's master data, as state (see the source_versions
-- macro): a build reads only the files that arrived since the last one. stg_erp__customers
-- is the version known on the as-of date.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['customer_id', '_file_seq'],
    on_schema_change='fail'
) }}

{{ source_versions(source('raw', 'erp__customers'), 'customer_id') }}

-- Every version of every ERP document, as state (see the source_versions macro): a build
-- reads only the files that arrived since the last one, and de-duplicates documents to
-- their versions here, once, instead of in every consumer. stg_erp__documents is the
-- version known on the as-of date.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['document_id', '_file_seq'],
    on_schema_change='fail'
) }}

{{ source_versions(source('raw', 'erp__documents'), 'document_id') }}

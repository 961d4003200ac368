-- Every version of every payment the ERP cleared itself, as state (see the source_versions
-- macro). A payment re-sent unchanged in a later extract is no new version, so it keeps
-- the file_seq of the file that brought it and the day's payment decisions
-- (int_payments_to_identify) do not take it for a changed one. stg_erp__payments is the
-- version known on the as-of date.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['payment_id', '_file_seq'],
    on_schema_change='fail'
) }}

{{ source_versions(source('raw', 'erp__payments'), 'payment_id') }}

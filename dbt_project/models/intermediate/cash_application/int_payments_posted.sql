-- The posted payment decisions: each payment's payer, claims summary and route
-- (int_payments_decided) as decided on the day it was first known, kept as versions. A
-- payment decided again (int_payments_to_identify: changed, returned, retried) gets a new
-- version only when the decision differs from the standing one; the standing one then
-- ends (superseded_on). So a payment identified yesterday keeps its payer even when a later
-- file would have taught otherwise, and every change of a decision is on record with its
-- day (decided_on) and why (decided_as).
--   valid_from     the day the version holds from: decided_on, except on the first run
--                  (the opening), which takes history over with each payment valid from its
--                  own date, so an earlier as-of date still knows it
--   superseded_on  the day a later version replaced it (null: it stands)
-- Only the latest day writes (as in the posted ledgers): a re-run of it first takes back
-- what it wrote; a run for an earlier day writes nothing. int_payments reads the versions
-- that held on the as-of date.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
    pre_hook=cash_payments_state_pre_hooks(),
    post_hook=cash_payments_state_post_hook()
) }}

{%- set columns = cash_payment_decision_columns() %}
with

decided as (
    select * from {{ ref('int_payments_decided') }}
),

standing as (
    {%- if is_incremental() %}
    {{ cash_payments_standing(this) }}
    {%- else %}
    select *, cast(null as date) as superseded_on
    from decided
    where false
    {%- endif %}
),

is_opening as (
    select count(*) = 0 as is_opening
    from {% if is_incremental() %}{{ this }}{% else %}standing{% endif %}
),

final as (
    select
        decided.*,
        {{ as_of_date() }} as decided_on,
        case
            when (select is_opening from is_opening) then decided.payment_date
            else {{ as_of_date() }}
        end as valid_from,
        cast(null as date) as superseded_on
    from decided
    left join standing
        on decided.payment_id = standing.payment_id
    where standing.payment_id is null
        or {{ cash_payment_differs('decided', 'standing', columns) }}
)

select * from final

-- Statutory default interest per overdue invoice and law on the as-of date: the one place
-- it is computed (int_open_items_interest_accrued); the dunning engine reads it here.
with

interest_accrued as (
    select * from {{ ref('int_open_items_interest_accrued') }}
),

final as (
    select
        document_id || ':' || law_code as interest_accrued_id,
        {{ as_of_date() }} as as_of_date,
        document_id,
        law_code,
        customer_id,
        principal_amount,
        currency,
        default_start_date,
        interest_end_date,
        interest_days,
        interest_amount,
        is_base_rate_missing,
        missing_base_rate_from,
        periods_detail,
        flat_fee_amount,
        flat_fee_currency
    from interest_accrued
)

select * from final

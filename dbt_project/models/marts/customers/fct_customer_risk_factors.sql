-- Why a customer's risk score is what it is: one row per factor that adds points, with
-- the measure behind it (RISK.md). dim_customers carries the score and its top three.

with

factors as (
    select * from {{ ref('int_customers_risk_factors') }}
),

final as (
    select
        {{ as_of_date() }} as as_of_date,
        cast(risk_factor_id as varchar) as risk_factor_id,
        cast(customer_id as varchar) as customer_id,
        cast(factor as varchar) as factor,
        cast(points as integer) as points,
        cast(detail as varchar) as detail
    from factors
)

select * from final

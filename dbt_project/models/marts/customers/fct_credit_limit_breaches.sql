with

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

exposure as (
    select * from {{ ref('int_customers_exposure_summed') }}
),

bureau_latest as (
    select * from {{ ref('int_customers_bureau_latest') }}
),

breaches_unioned as (
    select
        customer_id,
        'over_limit' as reason
    from exposure
    where is_over_limit
    union all
    select
        customer_id,
        'insolvency' as reason
    from bureau_latest
    where is_insolvent
),

final as (
    select
        breaches_unioned.customer_id || ':' || breaches_unioned.reason as credit_limit_breach_id,
        breaches_unioned.customer_id,
        customers.customer_name as name,
        breaches_unioned.reason,
        {{ as_of_date() }} as as_of_date,
        exposure.open_amount_reporting,
        exposure.credit_limit_reporting,
        case when exposure.credit_limit_reporting is not null then
            cast(greatest(exposure.open_amount_reporting - exposure.credit_limit_reporting, 0)
                as decimal(18, 2))
        end as excess_amount_reporting,
        exposure.reporting_currency,
        exposure.credit_limit_amount as credit_limit,
        exposure.currency,
        coalesce(bureau_latest.is_insolvent, false) as is_insolvent,
        true as order_block
    from breaches_unioned
    inner join customers
        on breaches_unioned.customer_id = customers.customer_id
    inner join exposure
        on breaches_unioned.customer_id = exposure.customer_id
    left join bureau_latest
        on breaches_unioned.customer_id = bureau_latest.customer_id
)

select * from final

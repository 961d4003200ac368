with

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

risk_factors as (
    select * from {{ ref('int_customers_risk_factors') }}
),

factors_ranked as (
    select
        customer_id,
        factor,
        points,
        row_number() over (partition by customer_id order by points desc, factor) as factor_rank
    from risk_factors
),

factors_summed as (
    select
        customer_id,
        sum(points) as points_total,
        count(*) as factor_count,
        max(case when factor_rank = 1 then factor || ':+' || cast(points as varchar) end)
            as risk_factor_1,
        max(case when factor_rank = 2 then factor || ':+' || cast(points as varchar) end)
            as risk_factor_2,
        max(case when factor_rank = 3 then factor || ':+' || cast(points as varchar) end)
            as risk_factor_3
    from factors_ranked
    group by customer_id
),

scores_capped as (
    select
        customers.customer_id,
        cast(coalesce(factors_summed.points_total, 0) as integer) as points_total,
        coalesce(factors_summed.factor_count, 0) as factor_count,
        cast(least(100, greatest(0, coalesce(factors_summed.points_total, 0))) as integer)
            as risk_score,
        factors_summed.risk_factor_1,
        factors_summed.risk_factor_2,
        factors_summed.risk_factor_3
    from customers
    left join factors_summed
        on customers.customer_id = factors_summed.customer_id
),

final as (
    select
        customer_id,
        points_total,
        factor_count,
        risk_score,
        {{ risk_class('risk_score') }} as risk_class,
        risk_factor_1,
        risk_factor_2,
        risk_factor_3
    from scores_capped
)

select * from final

{#- One row per customer and risk factor that adds points; RISK.md documents each factor. -#}
{%- set p = risk_parameters() -%}

with

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

bureau_latest as (
    select * from {{ ref('int_customers_bureau_latest') }}
),

payment_behaviour as (
    select * from {{ ref('int_customers_payment_behaviour') }}
),

exposure as (
    select * from {{ ref('int_customers_exposure_summed') }}
),

measures_joined as (
    select
        customers.customer_id,
        upper(customers.customer_type) as customer_type,
        bureau_latest.customer_id is not null as has_bureau_report,
        bureau_latest.bureau,
        bureau_latest.report_date,
        bureau_latest.score,
        bureau_latest.score_scale,
        bureau_latest.score_badness,
        bureau_latest.probability_of_default,
        coalesce(bureau_latest.is_insolvent, false) as is_insolvent,
        coalesce(bureau_latest.negative_feature_count, 0) as negative_feature_count,
        payment_behaviour.avg_days_late,
        payment_behaviour.avg_days_late_trend,
        payment_behaviour.paid_item_count,
        exposure.overdue_long_share,
        exposure.utilisation,
        exposure.credit_limit_reporting,
        exposure.open_amount_reporting
    from customers
    left join bureau_latest
        on customers.customer_id = bureau_latest.customer_id
    left join payment_behaviour
        on customers.customer_id = payment_behaviour.customer_id
    left join exposure
        on customers.customer_id = exposure.customer_id
),

bureau_pd as (
    select
        customer_id,
        'bureau_pd' as factor,
        {{ risk_piecewise_linear('probability_of_default', p.pd_points) }} as points,
        'PD ' || cast(cast(round(probability_of_default * 100, 2) as decimal(9, 2)) as varchar)
            || '% (' || bureau || ', ' || cast(report_date as varchar) || ')' as detail
    from measures_joined
    where probability_of_default is not null
),

-- only without a PD: the score's position on its scale (0 best .. 1 worst)
bureau_score as (
    select
        customer_id,
        'bureau_score' as factor,
        {{ risk_piecewise_linear('score_badness', p.score_points) }} as points,
        'score ' || cast(score as varchar) || ' on ' || score_scale
            || ' (' || bureau || ', ' || cast(report_date as varchar) || ')' as detail
    from measures_joined
    where probability_of_default is null and score_badness is not null
),

no_bureau_report as (
    select
        customer_id,
        'no_bureau_report' as factor,
        {{ p.no_bureau_report_points }} as points,
        'business customer without a bureau report' as detail
    from measures_joined
    where not has_bureau_report and customer_type = 'B2B'
),

insolvency as (
    select
        customer_id,
        'insolvency' as factor,
        {{ p.insolvency_points }} as points,
        'insolvency reported by ' || bureau as detail
    from measures_joined
    where is_insolvent
),

negative_features as (
    select
        customer_id,
        'negative_features' as factor,
        {{ risk_piecewise_linear('negative_feature_count', p.negative_features_points) }} as points,
        cast(negative_feature_count as varchar) || ' negative feature(s) in the bureau report'
            as detail
    from measures_joined
    where negative_feature_count > 0
),

days_late as (
    select
        customer_id,
        'days_late' as factor,
        {{ risk_piecewise_linear('avg_days_late', p.days_late_points) }} as points,
        'paid ' || cast(avg_days_late as varchar) || ' days late on average ('
            || cast(paid_item_count as varchar) || ' items, {{ p.behaviour_window_months }} months)'
            as detail
    from measures_joined
    where avg_days_late > 0
),

overdue_share as (
    select
        customer_id,
        'overdue_share' as factor,
        {{ risk_piecewise_linear('overdue_long_share', p.overdue_share_points) }} as points,
        cast(cast(round(overdue_long_share * 100, 1) as decimal(5, 1)) as varchar)
            || '% of the open amount more than {{ p.overdue_days }} days overdue (net of open credits)' as detail
    from measures_joined
    where overdue_long_share > 0
),

-- a zero limit grants no credit: any open amount counts as far over it
over_limit as (
    select
        customer_id,
        'over_limit' as factor,
        case
            when credit_limit_reporting = 0
                then {{ p.utilisation_points[-1][1] }}
            else {{ risk_piecewise_linear('utilisation', p.utilisation_points) }}
        end as points,
        case
            when credit_limit_reporting = 0 then 'open amount against a zero credit limit'
            else 'credit limit used ' || cast(cast(round(utilisation * 100, 1) as decimal(9, 1)) as varchar) || '%'
        end as detail
    from measures_joined
    where utilisation > 1 or (credit_limit_reporting = 0 and open_amount_reporting > 0)
),

worsening_trend as (
    select
        customer_id,
        'worsening_trend' as factor,
        {{ risk_piecewise_linear('avg_days_late_trend', p.trend_points) }} as points,
        'paying ' || cast(avg_days_late_trend as varchar)
            || ' days later in the last {{ p.trend_recent_months }} months than before' as detail
    from measures_joined
    where avg_days_late_trend > 0
),

factors_unioned as (
    select * from bureau_pd
    union all
    select * from bureau_score
    union all
    select * from no_bureau_report
    union all
    select * from insolvency
    union all
    select * from negative_features
    union all
    select * from days_late
    union all
    select * from overdue_share
    union all
    select * from over_limit
    union all
    select * from worsening_trend
),

final as (
    select
        customer_id || ':' || factor as risk_factor_id,
        customer_id,
        factor,
        cast(points as integer) as points,
        detail
    from factors_unioned
    where points > 0
)

select * from final

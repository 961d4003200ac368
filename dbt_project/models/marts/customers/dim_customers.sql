with

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

segments as (
    select * from {{ ref('int_customers_segmented') }}
),

exposure as (
    select * from {{ ref('int_customers_exposure_summed') }}
),

payment_behaviour as (
    select * from {{ ref('int_customers_payment_behaviour') }}
),

bureau_latest as (
    select * from {{ ref('int_customers_bureau_latest') }}
),

risk_scores as (
    select * from {{ ref('int_customers_risk_scored') }}
),

procedures as (
    select * from {{ ref('int_customers_procedure_assigned') }}
),

final as (
    select
        customers.customer_id,
        customers.customer_name as name,
        segments.segment,
        customers.customer_type,
        customers.country_code,
        customers.language_code,
        customers.customer_currency as currency,
        customers.entity_id,
        customers.collector,
        customers.email,
        customers.phone,
        customers.street,
        customers.postal_code,
        customers.city,
        customers.vat_id,
        customers.payment_terms_days,
        exposure.open_item_count,
        exposure.open_amount_reporting,
        exposure.overdue_amount_reporting,
        exposure.turnover_amount_reporting,
        exposure.reporting_currency,
        exposure.credit_limit_amount as credit_limit,
        exposure.credit_limit_reporting,
        exposure.utilisation,
        exposure.is_over_limit,
        payment_behaviour.paid_item_count,
        payment_behaviour.avg_days_late,
        payment_behaviour.avg_days_late_trend,
        payment_behaviour.late_amount_share,
        bureau_latest.bureau,
        bureau_latest.report_date as bureau_report_date,
        bureau_latest.score as bureau_score,
        bureau_latest.score_scale as bureau_score_scale,
        bureau_latest.rating_class as bureau_rating_class,
        bureau_latest.probability_of_default,
        bureau_latest.recommended_limit_amount as bureau_recommended_limit,
        coalesce(bureau_latest.is_insolvent, false) as is_insolvent,
        bureau_latest.negative_features,
        risk_scores.risk_score,
        risk_scores.risk_class,
        risk_scores.risk_factor_1,
        risk_scores.risk_factor_2,
        risk_scores.risk_factor_3,
        procedures.dunning_procedure
    from customers
    inner join segments
        on customers.customer_id = segments.customer_id
    inner join exposure
        on customers.customer_id = exposure.customer_id
    inner join payment_behaviour
        on customers.customer_id = payment_behaviour.customer_id
    inner join risk_scores
        on customers.customer_id = risk_scores.customer_id
    inner join procedures
        on customers.customer_id = procedures.customer_id
    left join bureau_latest
        on customers.customer_id = bureau_latest.customer_id
)

select * from final

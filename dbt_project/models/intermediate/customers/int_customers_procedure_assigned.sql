{#- The dunning procedure per customer, by rule. Kept in this one small model so a
    configurable policy (and manual overrides from ops events) can replace it. -#}
with

segments as (
    select * from {{ ref('int_customers_segmented') }}
),

risk_scores as (
    select * from {{ ref('int_customers_risk_scored') }}
),

final as (
    select
        segments.customer_id,
        case
            when segments.segment = 'b2c' then 'consumer'
            when risk_scores.risk_class in ('D', 'E') then 'strict_high_risk'
            when segments.segment = 'key_account' then 'key_account'
            else 'standard_b2b'
        end as dunning_procedure,
        case
            when segments.segment = 'b2c' then 'consumer: statutory consumer rules apply'
            when risk_scores.risk_class in ('D', 'E')
                then 'risk class ' || risk_scores.risk_class
            when segments.segment = 'key_account' then 'key account'
            else 'business customer'
        end as procedure_reason,
        'rule' as procedure_source
    from segments
    inner join risk_scores
        on segments.customer_id = risk_scores.customer_id
)

select * from final

with

exposure as (
    select * from {{ ref('int_customers_exposure_summed') }}
),

final as (
    select
        customer_id,
        case
            when upper(customer_type) = 'B2C' then 'b2c'
            when credit_limit_reporting >= {{ risk_parameter('key_account_credit_limit') }}
                or turnover_amount_reporting >= {{ risk_parameter('key_account_turnover') }}
                then 'key_account'
            else 'b2b'
        end as segment
    from exposure
)

select * from final

{%- set window_months = risk_parameter('behaviour_window_months') -%}
{%- set overdue_days = risk_parameter('overdue_days') -%}

with

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

open_items as (
    select * from {{ ref('fct_open_items') }}
),

documents as (
    select * from {{ ref('stg_erp__documents') }}
),

fx_rates_daily as (
    select * from {{ ref('int_fx_rates_daily') }}
),

fx_as_of as (
    select
        currency,
        units_per_eur,
        reporting_units_per_eur
    from fx_rates_daily
    where rate_date = {{ as_of_date() }}
),

open_items_summed as (
    select
        customer_id,
        count(*) as open_item_count,
        sum(open_amount_reporting) as open_amount_reporting,
        sum(case when days_past_due > 0 then open_amount_reporting else 0 end)
            as overdue_amount_reporting,
        sum(case when open_amount_reporting > 0 then open_amount_reporting else 0 end)
            as open_debit_amount_reporting,
        sum(case when open_amount_reporting < 0 then open_amount_reporting else 0 end)
            as open_credit_amount_reporting,
        sum(case when open_amount_reporting > 0 and days_past_due > {{ overdue_days }}
            then open_amount_reporting else 0 end) as overdue_long_debit_amount_reporting
    from open_items
    group by customer_id
),

-- open credits (credit notes, payments on account) settle the oldest debt first: what is
-- long overdue net of them can never exceed the net open amount, so the share stays 0-1
overdue_netted as (
    select
        customer_id,
        open_item_count,
        open_amount_reporting,
        overdue_amount_reporting,
        open_debit_amount_reporting,
        open_credit_amount_reporting,
        greatest(overdue_long_debit_amount_reporting + open_credit_amount_reporting, 0)
            as overdue_long_amount_reporting
    from open_items_summed
),

turnover_summed as (
    select
        documents.customer_id,
        sum({{ finance_fx_convert(
            'documents.signed_amount', 'fx_as_of.units_per_eur', 'fx_as_of.reporting_units_per_eur'
        ) }}) as turnover_amount_reporting
    from documents
    inner join fx_as_of
        on documents.currency = fx_as_of.currency
    where
        documents.issue_date <= {{ as_of_date() }}
        and documents.issue_date
            > cast({{ dbt.dateadd('month', -window_months, as_of_date()) }} as date)
    group by documents.customer_id
),

limits_converted as (
    select
        customers.customer_id,
        customers.customer_type,
        customers.customer_currency,
        customers.credit_limit_amount,
        {{ finance_fx_convert(
            'customers.credit_limit_amount', 'fx_as_of.units_per_eur', 'fx_as_of.reporting_units_per_eur'
        ) }} as credit_limit_reporting
    from customers
    left join fx_as_of
        on customers.customer_currency = fx_as_of.currency
),

final as (
    select
        limits_converted.customer_id,
        limits_converted.customer_type,
        coalesce(overdue_netted.open_item_count, 0) as open_item_count,
        cast(coalesce(overdue_netted.open_amount_reporting, 0) as decimal(18, 2))
            as open_amount_reporting,
        cast(coalesce(overdue_netted.overdue_amount_reporting, 0) as decimal(18, 2))
            as overdue_amount_reporting,
        cast(coalesce(overdue_netted.open_debit_amount_reporting, 0) as decimal(18, 2))
            as open_debit_amount_reporting,
        cast(coalesce(overdue_netted.open_credit_amount_reporting, 0) as decimal(18, 2))
            as open_credit_amount_reporting,
        cast(coalesce(overdue_netted.overdue_long_amount_reporting, 0) as decimal(18, 2))
            as overdue_long_amount_reporting,
        -- null when the customer owes nothing on balance
        case when overdue_netted.open_amount_reporting > 0 then
            cast({{ finance_divide(
                'overdue_netted.overdue_long_amount_reporting',
                'overdue_netted.open_amount_reporting', 4
            ) }} as decimal(5, 4))
        end as overdue_long_share,
        cast(coalesce(turnover_summed.turnover_amount_reporting, 0) as decimal(18, 2))
            as turnover_amount_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        limits_converted.customer_currency as currency,
        limits_converted.credit_limit_amount,
        limits_converted.credit_limit_reporting,
        -- null without a limit; a zero limit (no credit granted) has no ratio either, but any
        -- open amount breaches it (is_over_limit)
        case when limits_converted.credit_limit_reporting > 0 then
            cast({{ finance_divide(
                'coalesce(overdue_netted.open_amount_reporting, 0)',
                'limits_converted.credit_limit_reporting', 4
            ) }} as decimal(9, 4))
        end as utilisation,
        coalesce(
            limits_converted.credit_limit_reporting is not null
            and coalesce(overdue_netted.open_amount_reporting, 0)
                > limits_converted.credit_limit_reporting,
            false
        ) as is_over_limit
    from limits_converted
    left join overdue_netted
        on limits_converted.customer_id = overdue_netted.customer_id
    left join turnover_summed
        on limits_converted.customer_id = turnover_summed.customer_id
)

select * from final

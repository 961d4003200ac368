-- Receivables KPIs per day of the KPI window and entity, plus entity 'ALL' for the
-- company, in the reporting currency. Definitions and worked examples: METRICS.md.

with

daily as (
    select * from {{ ref('int_receivables_daily') }}
),

countback as (
    select * from {{ ref('int_dso_countback') }}
),

entity_days as (
    select
        entity_id as entity,
        balance_date,
        sum(receivables_amount_reporting) as receivables_amount,
        sum(overdue_amount_reporting) as overdue_amount,
        sum(current_amount_reporting) as current_amount,
        sum(credit_sales_30d_amount_reporting) as credit_sales_30d_amount,
        sum(credit_sales_90d_amount_reporting) as credit_sales_90d_amount,
        sum(opening_receivables_amount_reporting) as opening_receivables_amount
    from daily
    group by
        entity_id,
        balance_date
),

all_days as (
    select * from entity_days
    union all
    select
        'ALL' as entity,
        balance_date,
        sum(receivables_amount) as receivables_amount,
        sum(overdue_amount) as overdue_amount,
        sum(current_amount) as current_amount,
        sum(credit_sales_30d_amount) as credit_sales_30d_amount,
        sum(credit_sales_90d_amount) as credit_sales_90d_amount,
        sum(opening_receivables_amount) as opening_receivables_amount
    from entity_days
    group by balance_date
),

ratios as (
    select
        all_days.*,
        countback.dso_countback,
        countback.months_counted,
        case
            when all_days.credit_sales_90d_amount > 0
                then {{ finance_divide('all_days.receivables_amount * 90', 'all_days.credit_sales_90d_amount', 4) }}
        end as dso_standard,
        case
            when all_days.credit_sales_90d_amount > 0
                then {{ finance_divide('all_days.current_amount * 90', 'all_days.credit_sales_90d_amount', 4) }}
        end as best_possible_dso,
        case
            when all_days.opening_receivables_amount + all_days.credit_sales_30d_amount - all_days.current_amount > 0
                then {{ finance_divide(
                    '(all_days.opening_receivables_amount + all_days.credit_sales_30d_amount - all_days.receivables_amount) * 100',
                    'all_days.opening_receivables_amount + all_days.credit_sales_30d_amount - all_days.current_amount',
                    4
                ) }}
        end as cei,
        case
            when all_days.receivables_amount > 0
                then {{ finance_divide('all_days.overdue_amount', 'all_days.receivables_amount', 4) }}
        end as overdue_share
    from all_days
    left join countback
        on countback.entity = all_days.entity
        and countback.balance_date = all_days.balance_date
),

final as (
    select
        balance_date as kpi_date,
        cast(entity as varchar) as entity,
        {{ as_of_date() }} as as_of_date,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        cast(receivables_amount as decimal(18, 2)) as receivables_amount,
        cast(overdue_amount as decimal(18, 2)) as overdue_amount,
        cast(current_amount as decimal(18, 2)) as current_amount,
        cast(credit_sales_30d_amount as decimal(18, 2)) as credit_sales_30d_amount,
        cast(credit_sales_90d_amount as decimal(18, 2)) as credit_sales_90d_amount,
        cast(opening_receivables_amount as decimal(18, 2)) as opening_receivables_amount,
        cast(dso_standard as decimal(18, 4)) as dso_standard,
        cast(dso_countback as decimal(18, 4)) as dso_countback,
        cast(months_counted as integer) as dso_countback_months,
        cast(best_possible_dso as decimal(18, 4)) as best_possible_dso,
        cast(dso_standard - best_possible_dso as decimal(18, 4)) as "add",
        cast(cei as decimal(18, 4)) as cei,
        cast(overdue_share as decimal(18, 4)) as overdue_share
    from ratios
)

select * from final

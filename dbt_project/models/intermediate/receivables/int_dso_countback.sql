-- DSO by the count-back method, per entity (and 'ALL') and day of the KPI window:
-- starting from the day's receivables, subtract the credit sales of the month so far
-- (days 1..d), then of each earlier whole calendar month, until the receivables are
-- used up; DSO = the days of the months used up + the used share of the last month's
-- days. Months without positive credit sales are counted through whole. All amounts of
-- a day are converted at that day's rate. Null when more than
-- dso_countback_max_months (var, 24) earlier months do not cover the receivables, or
-- when a month counted through has sales in a currency without a rate that day.

{%- set max_months = var('dso_countback_max_months', 24) %}

with

daily as (
    select * from {{ ref('int_receivables_daily') }}
),

documents as (
    select * from {{ ref('int_documents_issued') }}
),

monthly_sales as (
    select
        entity_id,
        currency,
        {{ finance_month_start('issue_date') }} as sales_month,
        sum(signed_amount) as credit_sales_amount
    from documents
    group by
        entity_id,
        currency,
        {{ finance_month_start('issue_date') }}
),

month_offsets as (
    select month_offset
    from (
        values
        {%- for offset in range(1, max_months + 1) %}
            ({{ offset }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as offsets (month_offset)
),

current_month as (
    select
        entity_id,
        currency,
        balance_date,
        0 as month_offset,
        {{ finance_days_between(finance_month_start('balance_date'), 'balance_date') }} + 1 as month_days,
        credit_sales_mtd_amount as credit_sales_amount,
        units_per_eur,
        reporting_units_per_eur
    from daily
),

earlier_months as (
    select
        daily.entity_id,
        daily.currency,
        daily.balance_date,
        month_offsets.month_offset,
        {{ finance_days_between(
            finance_add_months_to_month_start('daily.balance_date', '-month_offsets.month_offset'),
            finance_add_months_to_month_start('daily.balance_date', '1 - month_offsets.month_offset')
        ) }} as month_days,
        coalesce(monthly_sales.credit_sales_amount, 0) as credit_sales_amount,
        daily.units_per_eur,
        daily.reporting_units_per_eur
    from daily
    cross join month_offsets
    left join monthly_sales
        on monthly_sales.entity_id = daily.entity_id
        and monthly_sales.currency = daily.currency
        and monthly_sales.sales_month = {{ finance_add_months_to_month_start('daily.balance_date', '-month_offsets.month_offset') }}
),

month_sales as (
    select * from current_month
    union all
    select * from earlier_months
),

converted as (
    select
        entity_id,
        balance_date,
        month_offset,
        month_days,
        case
            when credit_sales_amount = 0 then cast(0 as decimal(18, 2))
            else {{ finance_fx_convert('credit_sales_amount', 'units_per_eur', 'reporting_units_per_eur') }}
        end as credit_sales_amount_reporting
    from month_sales
),

entity_months as (
    select
        entity_id,
        balance_date,
        month_offset,
        month_days,
        -- a sum over currencies with one unconvertible amount is unknown, not smaller
        case
            when count(credit_sales_amount_reporting) = count(*) then sum(credit_sales_amount_reporting)
        end as credit_sales_amount_reporting
    from converted
    group by
        entity_id,
        balance_date,
        month_offset,
        month_days
),

all_months as (
    select * from entity_months
    union all
    select
        'ALL' as entity_id,
        balance_date,
        month_offset,
        month_days,
        case
            when count(credit_sales_amount_reporting) = count(*) then sum(credit_sales_amount_reporting)
        end as credit_sales_amount_reporting
    from entity_months
    group by
        balance_date,
        month_offset,
        month_days
),

entity_receivables as (
    select
        entity_id,
        balance_date,
        sum(receivables_amount_reporting) as receivables_amount_reporting
    from daily
    group by
        entity_id,
        balance_date
),

all_receivables as (
    select * from entity_receivables
    union all
    select
        'ALL' as entity_id,
        balance_date,
        sum(receivables_amount_reporting) as receivables_amount_reporting
    from entity_receivables
    group by balance_date
),

absorbing as (
    select
        entity_id,
        balance_date,
        month_offset,
        month_days,
        case
            when credit_sales_amount_reporting > 0 then credit_sales_amount_reporting
            else 0
        end as absorbing_sales_amount_reporting,
        case when credit_sales_amount_reporting is null then 1 else 0 end as is_unconverted
    from all_months
),

cumulated as (
    select
        absorbing.*,
        sum(absorbing_sales_amount_reporting) over (
            partition by entity_id, balance_date order by month_offset
            rows between unbounded preceding and current row
        ) as sales_through_amount_reporting,
        sum(month_days) over (
            partition by entity_id, balance_date order by month_offset
            rows between unbounded preceding and current row
        ) as days_through,
        max(is_unconverted) over (
            partition by entity_id, balance_date order by month_offset
            rows between unbounded preceding and current row
        ) as has_unconverted
    from absorbing
),

crossing as (
    select
        cumulated.entity_id,
        cumulated.balance_date,
        cumulated.month_offset,
        cumulated.has_unconverted,
        cumulated.days_through - cumulated.month_days
        + {{ finance_divide(
            '(all_receivables.receivables_amount_reporting - (cumulated.sales_through_amount_reporting - cumulated.absorbing_sales_amount_reporting)) * cumulated.month_days',
            'cumulated.absorbing_sales_amount_reporting',
            4
        ) }} as dso_countback
    from cumulated
    inner join all_receivables
        on all_receivables.entity_id = cumulated.entity_id
        and all_receivables.balance_date = cumulated.balance_date
    where all_receivables.receivables_amount_reporting
        > cumulated.sales_through_amount_reporting - cumulated.absorbing_sales_amount_reporting
        and all_receivables.receivables_amount_reporting <= cumulated.sales_through_amount_reporting
),

final as (
    select
        cast(all_receivables.entity_id as varchar) as entity,
        all_receivables.balance_date,
        cast(all_receivables.receivables_amount_reporting as decimal(18, 2)) as receivables_amount_reporting,
        case
            when all_receivables.receivables_amount_reporting <= 0 then 0
            else crossing.month_offset + 1
        end as months_counted,
        cast(
            case
                when all_receivables.receivables_amount_reporting <= 0 then 0
                when crossing.has_unconverted = 1 then null
                else crossing.dso_countback
            end as decimal(18, 4)
        ) as dso_countback
    from all_receivables
    left join crossing
        on crossing.entity_id = all_receivables.entity_id
        and crossing.balance_date = all_receivables.balance_date
)

select * from final

-- Daily receivables per entity and currency over the KPI window, set-based: each
-- document's open amount changes only on its movement days, so the day's changes per
-- (entity, currency, day) (int_receivables_daily_deltas, kept from the earliest changed
-- date) are summed cumulatively over a dense calendar; the work grows with entities x
-- currencies x days, never with documents x days.
--
-- A document counts as overdue on day d when its due date is before d (from
-- overdue_from_date on): its issue amount enters the overdue balance on that day and
-- each of its applications leaves it on the later of the application day and that day.
-- Window: the kpi_window_days (var, 400) days up to the as-of date, or fewer from the
-- first document's issue date; the calendar starts 89 days earlier so every window day
-- has its trailing 90 days of sales and its balance 30 days before.

with

documents as (
    select * from {{ ref('int_documents_issued') }}
),

deltas as (
    select * from {{ ref('int_receivables_daily_deltas') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

window_bounds as (
    select
        case
            when min(issue_date) > {{ finance_add_days(as_of_date(), 1 - var('kpi_window_days', 400)) }}
                then min(issue_date)
            else {{ finance_add_days(as_of_date(), 1 - var('kpi_window_days', 400)) }}
        end as window_start_date,
        {{ as_of_date() }} as window_end_date
    from documents
),

calendar_bounds as (
    select
        {{ finance_add_days('window_start_date', -89) }} as calendar_start_date,
        window_start_date,
        window_end_date
    from window_bounds
),

calendar as (
    {{ finance_date_spine('calendar_bounds', 'calendar_start_date', 'window_end_date') }}
),

series as (
    select distinct
        entity_id,
        currency
    from documents
),

grid as (
    select
        series.entity_id,
        series.currency,
        calendar.day_date as balance_date
    from series
    cross join calendar
),

-- changes from before the calendar enter on its first day; sales before it are not the
-- calendar's sales
daily_deltas as (
    select
        deltas.entity_id,
        deltas.currency,
        greatest(deltas.delta_date, calendar_bounds.calendar_start_date) as delta_date,
        sum(deltas.receivables_delta) as receivables_delta,
        sum(deltas.overdue_delta) as overdue_delta,
        sum(
            case
                when deltas.delta_date >= calendar_bounds.calendar_start_date
                    then deltas.credit_sales_delta
                else 0
            end
        ) as credit_sales_delta
    from deltas
    cross join calendar_bounds
    where deltas.delta_date <= calendar_bounds.window_end_date
    group by
        deltas.entity_id,
        deltas.currency,
        greatest(deltas.delta_date, calendar_bounds.calendar_start_date)
),

filled as (
    select
        grid.entity_id,
        grid.currency,
        grid.balance_date,
        {{ finance_month_start('grid.balance_date') }} as balance_month,
        coalesce(daily_deltas.receivables_delta, 0) as receivables_delta,
        coalesce(daily_deltas.overdue_delta, 0) as overdue_delta,
        coalesce(daily_deltas.credit_sales_delta, 0) as credit_sales_delta
    from grid
    left join daily_deltas
        on daily_deltas.entity_id = grid.entity_id
        and daily_deltas.currency = grid.currency
        and daily_deltas.delta_date = grid.balance_date
),

running as (
    select
        entity_id,
        currency,
        balance_date,
        sum(receivables_delta) over (
            partition by entity_id, currency order by balance_date
            rows between unbounded preceding and current row
        ) as receivables_amount,
        sum(overdue_delta) over (
            partition by entity_id, currency order by balance_date
            rows between unbounded preceding and current row
        ) as overdue_amount,
        credit_sales_delta as credit_sales_amount,
        sum(credit_sales_delta) over (
            partition by entity_id, currency order by balance_date
            rows between 29 preceding and current row
        ) as credit_sales_30d_amount,
        sum(credit_sales_delta) over (
            partition by entity_id, currency order by balance_date
            rows between 89 preceding and current row
        ) as credit_sales_90d_amount,
        sum(credit_sales_delta) over (
            partition by entity_id, currency, balance_month order by balance_date
            rows between unbounded preceding and current row
        ) as credit_sales_mtd_amount
    from filled
),

with_opening as (
    select
        *,
        lag(receivables_amount, 30) over (
            partition by entity_id, currency order by balance_date
        ) as opening_receivables_amount
    from running
),

in_window as (
    select with_opening.*
    from with_opening
    cross join calendar_bounds
    where with_opening.balance_date >= calendar_bounds.window_start_date
),

converted as (
    select
        in_window.*,
        fx_rates.units_per_eur,
        fx_rates.reporting_units_per_eur,
        {%- for column in [
            'receivables_amount', 'overdue_amount', 'credit_sales_amount',
            'credit_sales_30d_amount', 'credit_sales_90d_amount',
            'credit_sales_mtd_amount', 'opening_receivables_amount',
        ] %}
        case
            when in_window.{{ column }} = 0 then cast(0 as decimal(18, 2))
            else {{ finance_fx_convert(
                'in_window.' ~ column, 'fx_rates.units_per_eur', 'fx_rates.reporting_units_per_eur'
            ) }}
        end as {{ column }}_reporting{{ ',' if not loop.last }}
        {%- endfor %}
    from in_window
    -- a rate older than fx_max_rate_age_days converts nothing (null, never 1.0); test
    -- fx_rate_within_days fails naming the currency and days
    left join fx_rates
        on fx_rates.currency = in_window.currency
        and fx_rates.rate_date = in_window.balance_date
        and fx_rates.rate_age_days <= {{ var('fx_max_rate_age_days', 7) }}
),

final as (
    select
        entity_id,
        currency,
        balance_date,
        cast(receivables_amount as decimal(18, 2)) as receivables_amount,
        cast(overdue_amount as decimal(18, 2)) as overdue_amount,
        cast(receivables_amount - overdue_amount as decimal(18, 2)) as current_amount,
        cast(credit_sales_amount as decimal(18, 2)) as credit_sales_amount,
        cast(credit_sales_30d_amount as decimal(18, 2)) as credit_sales_30d_amount,
        cast(credit_sales_90d_amount as decimal(18, 2)) as credit_sales_90d_amount,
        cast(credit_sales_mtd_amount as decimal(18, 2)) as credit_sales_mtd_amount,
        cast(opening_receivables_amount as decimal(18, 2)) as opening_receivables_amount,
        cast(units_per_eur as decimal(18, 6)) as units_per_eur,
        cast(reporting_units_per_eur as decimal(18, 6)) as reporting_units_per_eur,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        receivables_amount_reporting,
        overdue_amount_reporting,
        cast(receivables_amount_reporting - overdue_amount_reporting as decimal(18, 2)) as current_amount_reporting,
        credit_sales_amount_reporting,
        credit_sales_30d_amount_reporting,
        credit_sales_90d_amount_reporting,
        credit_sales_mtd_amount_reporting,
        opening_receivables_amount_reporting
    from converted
)

select * from final

-- The ECB publishes on TARGET business days only; every calendar day carries the last
-- rate published on or before it, so weekends and holidays convert at the previous
-- business day's rate. How old that rate is (rate_age_days) is kept, and the test
-- fx_rate_within_days turns a too-old or missing rate into an error where it is used.

with

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates') }}
),

published as (
    select
        rate_date as published_date,
        currency,
        units_per_eur
    from fx_rates
    where rate_date <= {{ as_of_date() }}
        and currency <> 'EUR'
),

bounds as (
    select
        min(published_date) as first_date,
        {{ as_of_date() }} as last_date
    from published
),

calendar as (
    {{ finance_date_spine('bounds', 'first_date', 'last_date') }}
),

rate_validity as (
    select
        currency,
        published_date,
        units_per_eur,
        lead(published_date) over (partition by currency order by published_date) as next_published_date
    from published
),

currency_days as (
    select
        calendar.day_date as rate_date,
        rate_validity.currency,
        rate_validity.units_per_eur,
        rate_validity.published_date as rate_published_date
    from calendar
    inner join rate_validity
        on calendar.day_date >= rate_validity.published_date
        and (
            rate_validity.next_published_date is null
            or calendar.day_date < rate_validity.next_published_date
        )
),

euro_days as (
    select
        day_date as rate_date,
        'EUR' as currency,
        cast(1 as decimal(18, 6)) as units_per_eur,
        day_date as rate_published_date
    from calendar
),

all_days as (
    select * from currency_days
    union all
    select * from euro_days
),

reporting_days as (
    select
        rate_date,
        units_per_eur as reporting_units_per_eur,
        rate_published_date as reporting_rate_published_date
    from all_days
    where currency = '{{ var("reporting_currency") }}'
),

final as (
    select
        all_days.rate_date,
        all_days.currency,
        cast(all_days.units_per_eur as decimal(18, 6)) as units_per_eur,
        all_days.rate_published_date,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        cast(reporting_days.reporting_units_per_eur as decimal(18, 6)) as reporting_units_per_eur,
        reporting_days.reporting_rate_published_date,
        case
            when reporting_days.reporting_rate_published_date is null then null
            when reporting_days.reporting_rate_published_date < all_days.rate_published_date
                then {{ finance_days_between('reporting_days.reporting_rate_published_date', 'all_days.rate_date') }}
            else {{ finance_days_between('all_days.rate_published_date', 'all_days.rate_date') }}
        end as rate_age_days
    from all_days
    left join reporting_days
        on reporting_days.rate_date = all_days.rate_date
)

select * from final

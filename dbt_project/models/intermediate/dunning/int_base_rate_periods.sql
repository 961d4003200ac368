with

-- each law's reference rates (generated from actions/law/<code>.yaml and its rate table)
reference_rates as (
    select * from {{ ref('legal_reference_rates') }}
),

rates as (
    select
        law_code,
        cast(valid_from as date) as rate_valid_from,
        cast(rate_percent as decimal(9, 4)) as base_rate_percent,
        lead(cast(valid_from as date)) over (partition by law_code order by valid_from)
            as next_rate_valid_from
    from reference_rates
),

bounds as (
    select
        law_code,
        min(rate_valid_from) as first_period_start,
        max(rate_valid_from) as last_period_start
    from rates
    group by law_code
),

digits as (
    select 0 as digit union all select 1 union all select 2 union all select 3
    union all select 4 union all select 5 union all select 6 union all select 7
    union all select 8 union all select 9
),

half_year_numbers as (
    select hundreds.digit * 100 + tens.digit * 10 + ones.digit as half_year_number
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones
),

-- every half-year (1 Jan - 30 Jun, 1 Jul - 31 Dec) from the first rate's to the last's:
-- the base rate is fixed for exactly these periods (BGB §247(1))
half_years as (
    select
        bounds.law_code,
        {{ legal_add_months('bounds.first_period_start', '6 * half_year_numbers.half_year_number') }}
            as period_start,
        {{ legal_add_days(
            legal_add_months('bounds.first_period_start', '6 * (half_year_numbers.half_year_number + 1)'),
            -1) }} as period_end,
        bounds.last_period_start
    from bounds
    cross join half_year_numbers
),

known_half_years as (
    select
        law_code,
        period_start,
        period_end
    from half_years
    where period_start <= last_period_start
),

-- the seed lists a rate from the half-year it was announced for; a later row replaces
-- it, so a rate holds through the half-years until the next row (-0.88 % from 2016-07-01
-- to 2022-12-31). The last row's rate covers its own half-year only: the next one must
-- be added from the Bundesbank's announcement, never assumed.
final as (
    select
        known_half_years.law_code,
        known_half_years.period_start,
        known_half_years.period_end,
        rates.base_rate_percent,
        rates.rate_valid_from
    from known_half_years
    inner join rates
        on rates.law_code = known_half_years.law_code
        and rates.rate_valid_from <= known_half_years.period_start
        and (
            rates.next_rate_valid_from is null
            or rates.next_rate_valid_from > known_half_years.period_start
        )
)

select * from final

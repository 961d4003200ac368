{#- Every (currency, date) a model converts must have an ECB rate published at most
    max_age_days (default var fx_max_rate_age_days, 7) before that date; the models leave
    amounts without such a rate unconverted (null). Fails with one row per missing conversion, naming the
    currency, the date and the last rate published before it, and logs one line per
    currency ("MISSING FX RATE: ...") so the run's output says what to load: a missing
    rate is an error, never a silent 1.0. Restrict the rows that need a conversion with
    the test's `where` config. -#}
{% test fx_rate_within_days(model, currency_column, date_column, max_age_days=none) %}
{%- set max_age_days = max_age_days if max_age_days is not none else var('fx_max_rate_age_days', 7) -%}

{%- set failures_sql -%}
with

needed as (
    select distinct
        {{ currency_column }} as currency,
        cast({{ date_column }} as date) as conversion_date
    from {{ model }}
    where {{ currency_column }} is not null
),

rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

checked as (
    select
        needed.currency,
        needed.conversion_date,
        rates.rate_published_date,
        rates.rate_age_days
    from needed
    left join rates
        on rates.currency = needed.currency
        and rates.rate_date = needed.conversion_date
),

final as (
    select
        currency,
        conversion_date,
        rate_published_date,
        'no ECB rate for ' || currency || ' within {{ max_age_days }} days before '
        || cast(conversion_date as varchar)
        || coalesce(' (last published ' || cast(rate_published_date as varchar) || ')', ' (none published before)')
        as failure
    from checked
    where rate_age_days is null
        or rate_age_days > {{ max_age_days }}
)

select * from final
{%- endset -%}

{%- if execute and flags.WHICH in ('build', 'test') -%}
    {%- set summary = run_query(
        "select currency, cast(min(conversion_date) as varchar), cast(max(conversion_date) as varchar),"
        ~ " count(*), coalesce(cast(max(rate_published_date) as varchar), 'never')"
        ~ " from (" ~ failures_sql ~ ") as failures group by currency order by currency limit 50") -%}
    {%- for row in summary.rows -%}
        {{ log("MISSING FX RATE: no ECB rate for " ~ row[0] ~ " within " ~ max_age_days ~ " days before "
            ~ (row[1] if row[3] == 1 else row[3] ~ " dates from " ~ row[1] ~ " to " ~ row[2])
            ~ " (last published " ~ row[4] ~ "); load a newer eurofxref-hist.csv. "
            ~ "Amounts in " ~ row[0] ~ " are left unconverted (null), never converted at 1.0 or at the old rate.", info=True) }}
    {%- endfor -%}
{%- endif %}

{{ failures_sql }}

{% endtest %}

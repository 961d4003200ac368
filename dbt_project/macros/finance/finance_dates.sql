{#- Date arithmetic for the receivables models. Standard SQL covers `date + interval`
    with a literal; everything else (day differences, adding a column of days, calendar
    spines) differs between engines and is dispatched here. -#}

{#- Whole days from start_date to end_date (end - start), as an integer. -#}
{% macro finance_days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('finance_days_between', 'forderwerk')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__finance_days_between(start_date, end_date) -%}
    cast(date_diff('day', cast({{ start_date }} as date), cast({{ end_date }} as date)) as integer)
{%- endmacro %}

{#- Trino and Spark SQL accept date_diff/datediff; PostgreSQL-style engines subtract. -#}
{% macro default__finance_days_between(start_date, end_date) -%}
    cast((cast({{ end_date }} as date) - cast({{ start_date }} as date)) as integer)
{%- endmacro %}


{#- A date plus a (possibly column-valued, possibly negative) number of days. -#}
{% macro finance_add_days(date_expression, days) -%}
    {{ return(adapter.dispatch('finance_add_days', 'forderwerk')(date_expression, days)) }}
{%- endmacro %}

{% macro duckdb__finance_add_days(date_expression, days) -%}
    cast(cast({{ date_expression }} as date) + cast({{ days }} as integer) as date)
{%- endmacro %}

{% macro default__finance_add_days(date_expression, days) -%}
    cast(cast({{ date_expression }} as date) + cast({{ days }} as integer) * interval '1' day as date)
{%- endmacro %}


{#- The first day of the date's calendar month, as a date. -#}
{% macro finance_month_start(date_expression) -%}
    {{ return(adapter.dispatch('finance_month_start', 'forderwerk')(date_expression)) }}
{%- endmacro %}

{% macro default__finance_month_start(date_expression) -%}
    cast(date_trunc('month', cast({{ date_expression }} as date)) as date)
{%- endmacro %}


{#- The first day of the month `months` calendar months after (negative: before) the
    month of date_expression. -#}
{% macro finance_add_months_to_month_start(date_expression, months) -%}
    {{ return(adapter.dispatch('finance_add_months_to_month_start', 'forderwerk')(date_expression, months)) }}
{%- endmacro %}

{% macro duckdb__finance_add_months_to_month_start(date_expression, months) -%}
    cast(date_trunc('month', cast({{ date_expression }} as date)) + to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}

{% macro default__finance_add_months_to_month_start(date_expression, months) -%}
    cast(date_trunc('month', cast({{ date_expression }} as date)) + cast({{ months }} as integer) * interval '1' month as date)
{%- endmacro %}


{#- A select yielding one row per calendar day (column day_date) from start_column to
    end_column inclusive, for every row of relation (usually a one-row bounds CTE). -#}
{% macro finance_date_spine(relation, start_column, end_column) -%}
    {{ return(adapter.dispatch('finance_date_spine', 'forderwerk')(relation, start_column, end_column)) }}
{%- endmacro %}

{% macro duckdb__finance_date_spine(relation, start_column, end_column) -%}
    select cast(spine.day_at as date) as day_date
    from (
        select unnest(generate_series(
            cast({{ start_column }} as timestamp),
            cast({{ end_column }} as timestamp),
            interval 1 day
        )) as day_at
        from {{ relation }}
        where {{ start_column }} <= {{ end_column }}
    ) as spine
{%- endmacro %}

{#- Portable form: offsets 0..99 999 (about 273 years) from ten-digit cross joins. -#}
{% macro default__finance_date_spine(relation, start_column, end_column) -%}
    with digits as (
        select digit from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as d (digit)
    ),
    offsets as (
        select d1.digit + 10 * d2.digit + 100 * d3.digit + 1000 * d4.digit + 10000 * d5.digit as day_offset
        from digits as d1
        cross join digits as d2
        cross join digits as d3
        cross join digits as d4
        cross join digits as d5
    )
    select {{ finance_add_days('bounds.' ~ start_column, 'offsets.day_offset') }} as day_date
    from {{ relation }} as bounds
    inner join offsets
        on offsets.day_offset <= {{ finance_days_between('bounds.' ~ start_column, 'bounds.' ~ end_column) }}
{%- endmacro %}

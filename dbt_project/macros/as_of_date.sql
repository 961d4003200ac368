{#- The as-of date as a SQL date literal: var as_of_date, or the day of the run. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) or run_started_at.strftime('%Y-%m-%d') -%}
    cast('{{ value }}' as date)
{%- endmacro %}

{#- A string as a number, or null when it is not one (bureau score scales such as
    "100-600" are parsed with it; a scale like "A-F" must not fail the run). -#}
{% macro risk_try_cast_number(expression) -%}
    {{ return(adapter.dispatch('risk_try_cast_number', 'forderwerk')(expression)) }}
{%- endmacro %}

{% macro duckdb__risk_try_cast_number(expression) -%}
    try_cast({{ expression }} as decimal(18, 6))
{%- endmacro %}

{#- Trino and Spark (3.2+) know try_cast too; engines without it need their own version. -#}
{% macro default__risk_try_cast_number(expression) -%}
    try_cast({{ expression }} as decimal(18, 6))
{%- endmacro %}

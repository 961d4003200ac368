{#- Date arithmetic the legal computations need, per dialect (CONVENTIONS.md: anything
    beyond `+ interval` is dispatched). Prefixed `legal_` so no other area's helper of
    the same name collides. -#}

{#- Whole days from start_date to end_date (end - start; negative if end is earlier). -#}
{% macro legal_days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('legal_days_between', 'forderwerk')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__legal_days_between(start_date, end_date) -%}
    cast(({{ end_date }}) - ({{ start_date }}) as integer)
{%- endmacro %}

{% macro duckdb__legal_days_between(start_date, end_date) -%}
    cast(date_diff('day', cast({{ start_date }} as date), cast({{ end_date }} as date)) as integer)
{%- endmacro %}

{% macro spark__legal_days_between(start_date, end_date) -%}
    cast(datediff({{ end_date }}, {{ start_date }}) as integer)
{%- endmacro %}

{% macro trino__legal_days_between(start_date, end_date) -%}
    cast(date_diff('day', {{ start_date }}, {{ end_date }}) as integer)
{%- endmacro %}


{#- The date `days` days after date_expr (days may be negative or a column). -#}
{% macro legal_add_days(date_expr, days) -%}
    {{ return(adapter.dispatch('legal_add_days', 'forderwerk')(date_expr, days)) }}
{%- endmacro %}

{% macro default__legal_add_days(date_expr, days) -%}
    cast(({{ date_expr }}) + ({{ days }}) * interval '1' day as date)
{%- endmacro %}

{% macro duckdb__legal_add_days(date_expr, days) -%}
    cast(cast({{ date_expr }} as date) + to_days(cast({{ days }} as integer)) as date)
{%- endmacro %}

{% macro spark__legal_add_days(date_expr, days) -%}
    date_add({{ date_expr }}, {{ days }})
{%- endmacro %}

{% macro trino__legal_add_days(date_expr, days) -%}
    date_add('day', {{ days }}, {{ date_expr }})
{%- endmacro %}


{#- The date `months` calendar months after date_expr (used on 1 Jan / 1 Jul only). -#}
{% macro legal_add_months(date_expr, months) -%}
    {{ return(adapter.dispatch('legal_add_months', 'forderwerk')(date_expr, months)) }}
{%- endmacro %}

{% macro default__legal_add_months(date_expr, months) -%}
    cast(({{ date_expr }}) + ({{ months }}) * interval '1' month as date)
{%- endmacro %}

{% macro duckdb__legal_add_months(date_expr, months) -%}
    cast(cast({{ date_expr }} as date) + to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}

{% macro spark__legal_add_months(date_expr, months) -%}
    add_months({{ date_expr }}, {{ months }})
{%- endmacro %}

{% macro trino__legal_add_months(date_expr, months) -%}
    date_add('month', {{ months }}, {{ date_expr }})
{%- endmacro %}

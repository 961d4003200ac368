{#- The as-of date as a SQL date literal: var as_of_date if given (`--vars`, unit-test
    overrides), else FORDERWERK_AS_OF_DATE, else the day of the run.

    The pipeline passes the date in the environment, read only at execution: a --vars value
    that changes every day makes dbt throw away its partial parse and parse the whole
    project again (about 5 s a run), while an env var read under `execute` is invisible to
    the parser. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none and execute -%}
        {%- set value = env_var('FORDERWERK_AS_OF_DATE', '') -%}
    {%- endif -%}
    cast('{{ value or run_started_at.strftime('%Y-%m-%d') }}' as date)
{%- endmacro %}

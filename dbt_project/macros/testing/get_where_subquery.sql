{#- Data tests on the day's rows. A model whose rows carry the day that changed them
    declares it, `config: meta: {day_column: posted_on}` (the posted ledgers); in the daily
    run (FORDERWERK_TEST_SCOPE=day, set by the Dagster build) its data tests look only at
    the rows of the as-of date, since the rows of earlier days were tested on their day and
    never change. Everywhere else (CI, a plain `dbt test`, the weekly full check) they look
    at every row. A test's own `where` is kept in both. dbt resolves this macro from the
    root project first: overriding it is dbt's documented way to shape `where`. -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set day_column = test_day_column() -%}
    {%- if day_column -%}
        {%- do conditions.append(day_column ~ ' = ' ~ as_of_date()) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#- The day column of the model the running test is attached to, in the daily scope only. -#}
{% macro test_day_column() -%}
    {%- if not execute or env_var('FORDERWERK_TEST_SCOPE', 'all') != 'day' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set attached = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {{ return(attached.config.meta.get('day_column') if attached else none) }}
{%- endmacro %}

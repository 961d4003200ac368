{#- Concatenate `expression` over a group, ordered by `order_by`, separated by
    `separator` (a SQL string literal): listagg in standard SQL, string_agg in DuckDB. -#}
{% macro legal_string_agg(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('legal_string_agg', 'forderwerk')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro default__legal_string_agg(expression, separator, order_by) -%}
    listagg({{ expression }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{% macro duckdb__legal_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__legal_string_agg(expression, separator, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(struct({{ order_by }} as sort_key, {{ expression }} as item))),
            entry -> entry.item
        ),
        {{ separator }}
    )
{%- endmacro %}

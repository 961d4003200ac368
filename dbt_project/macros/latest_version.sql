{#- Each key's latest version of a raw relation as known on the as-of date (files up to
    known_file_seq()): later files win, and later rows within a file (ERP extracts replace
    earlier versions of a key in arrival order, DESIGN.md).
    Expands to a whole select over ``relation`` (a CTE name); dispatched because QUALIFY
    is not portable (Trino has none). -#}
{% macro latest_version(relation, key) -%}
    {{ return(adapter.dispatch('latest_version', 'forderwerk')(relation, key)) }}
{%- endmacro %}

{% macro duckdb__latest_version(relation, key) -%}
    select * from {{ relation }}
    where _file_seq <= {{ known_file_seq() }}
    qualify row_number() over (
        partition by {{ key }} order by _file_seq desc, _row_number desc
    ) = 1
{%- endmacro %}

{% macro default__latest_version(relation, key) -%}
    select * from (
        select
            *,
            row_number() over (
                partition by {{ key }} order by _file_seq desc, _row_number desc
            ) as _version_rank
        from {{ relation }}
        where _file_seq <= {{ known_file_seq() }}
    ) as ranked
    where _version_rank = 1
{%- endmacro %}

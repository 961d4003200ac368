{#- Keep each key's latest version: later files win, and later rows within a file
    (ERP extracts replace earlier versions of a key in arrival order, DESIGN.md). -#}
{% macro latest_version(key) -%}
    qualify row_number() over (
        partition by {{ key }} order by _file_seq desc, _row_number desc
    ) = 1
{%- endmacro %}

{#- Fails for every row where the expression is not true: accounting identities and
    other row-level invariants (written here because dbt packages are not installed).
    At column level the expression may refer to the column by name or start with an
    operator ("> 0"), which is then applied to the column. -#}
{% test expression_is_true(model, expression, column_name=none, where=none) %}
{%- set condition = (column_name ~ ' ' ~ expression)
        if column_name is not none and expression.strip()[:1] in ['<', '>', '=', '!']
        else expression -%}
select *
from {{ model }}
where not ({{ condition }})
{%- if where %} and ({{ where }}){% endif %}
{% endtest %}

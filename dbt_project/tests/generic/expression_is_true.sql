{#- Fails for every row where the expression is not true: accounting identities and
    other row-level invariants (written here because dbt packages are not installed). -#}
{% test expression_is_true(model, expression, where=none) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if where %} and ({{ where }}){% endif %}
{% endtest %}

{#- Fails for every combination of the columns that occurs more than once: the key of a
    model whose rows have no single id column (written here because dbt packages are not
    installed; dbt_utils calls it unique_combination_of_columns). A key of several columns
    is cheaper to check than to materialise as one concatenated string per row. -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

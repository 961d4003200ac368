{#- The aging buckets: the one definition every model (and, through the marts, the app)
    uses. days_past_due <= 0 is current; then 1-30, 31-60, 61-90 and 90+ days. -#}
{% macro aging_bucket(days_past_due) -%}
    case
        when {{ days_past_due }} <= 0 then 'current'
        when {{ days_past_due }} <= 30 then '1-30'
        when {{ days_past_due }} <= 60 then '31-60'
        when {{ days_past_due }} <= 90 then '61-90'
        else '90+'
    end
{%- endmacro %}

{#- 1 (current) to 5 (90+), for sorting. -#}
{% macro aging_bucket_order(aging_bucket) -%}
    case {{ aging_bucket }}
        when 'current' then 1
        when '1-30' then 2
        when '31-60' then 3
        when '61-90' then 4
        when '90+' then 5
    end
{%- endmacro %}

{#- The risk class (A..E) of a 0-100 risk score: the first class whose cut-off the score is
    below; at or above the last cut-off the top class (E). -#}
{% macro risk_class(score) -%}
    case
        {%- for class_code, cutoff in risk_parameter('class_cutoffs') %}
        when {{ score }} < {{ cutoff }} then '{{ class_code }}'
        {%- endfor %}
        else '{{ risk_parameter('top_class') }}'
    end
{%- endmacro %}

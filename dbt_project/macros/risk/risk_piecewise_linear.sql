{#- Points for a measure by linear interpolation between [x, points] anchors (ascending x):
    flat below the first and above the last anchor, null for a null measure. Rounded to
    whole points so every factor reads as "+18", not "+17.9999". Portable SQL. -#}
{% macro risk_piecewise_linear(measure, anchors) -%}
    {%- set first = anchors[0] -%}
    {%- set last = anchors[-1] -%}
    cast(round(cast(case
        when {{ measure }} is null then null
        when {{ measure }} <= {{ first[0] }} then {{ first[1] }}
        {%- for i in range(1, anchors | length) %}
        {%- set low = anchors[i - 1] %}
        {%- set high = anchors[i] %}
        when {{ measure }} <= {{ high[0] }}
            then {{ low[1] }} + ({{ measure }} - {{ low[0] }}) * {{ high[1] - low[1] }} / ({{ high[0] }} - {{ low[0] }})
        {%- endfor %}
        else {{ last[1] }}
    end as decimal(18, 4)), 0) as integer)
{%- endmacro %}

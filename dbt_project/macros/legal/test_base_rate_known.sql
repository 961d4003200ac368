{#- Fails for every open item whose interest span reaches a day with no German base rate
    (BGB §247) in the seed base_rates_de: its interest is left empty, never guessed.
    Logs each missing stretch (before the first / after the last known half-year) so the
    failure names the period to add.

    `interest_model` is the model with the spans (int_open_items_interest_accrued). The
    test is anchored on `model`, normally the last collections mart, so that dbt build
    still builds the marts (interest empty where unknown) before the run fails. -#}
{% test base_rate_known_for_interest_span(model, interest_model) %}
{%- if execute -%}
    {%- set relation = load_relation(interest_model) -%}
    {%- if relation is not none -%}
        {%- set gaps = run_query(
            "select cast(min(missing_base_rate_from) as varchar),"
            ~ " cast(max(missing_base_rate_to) as varchar), count(*)"
            ~ " from " ~ relation ~ " where is_base_rate_missing"
            ~ " group by missing_base_rate_to = interest_end_date order by 1") -%}
        {%- for gap in gaps.rows -%}
            {{ log("MISSING BASE RATE: no German base rate (BGB §247) in seed base_rates_de for "
                ~ gap[0] ~ " to " ~ gap[1] ~ " (" ~ gap[2] ~ " open items accrue interest then): add the "
                ~ "Deutsche Bundesbank's rate for each half-year in that period; their statutory "
                ~ "interest is left empty, not guessed.", info=True) }}
        {%- endfor -%}
    {%- endif -%}
{%- endif %}
select
    document_id,
    missing_base_rate_from,
    missing_base_rate_to,
    'no base rate (BGB §247) for ' || cast(missing_base_rate_from as varchar) || ' to '
        || cast(missing_base_rate_to as varchar) || ': add it to seed base_rates_de'
        as failure_message
from {{ interest_model }}
where is_base_rate_missing
{% endtest %}

{#- Fails for every open item whose interest span reaches a day with no reference rate of
    its law (German law: the base rate of BGB §247, seeds/reference/base_rates_de.csv, read
    through the generated seed legal_reference_rates): its interest is left empty, never
    guessed.
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
            "select law_code, cast(min(missing_base_rate_from) as varchar),"
            ~ " cast(max(missing_base_rate_to) as varchar), count(*)"
            ~ " from " ~ relation ~ " where is_base_rate_missing"
            ~ " group by law_code, missing_base_rate_to = interest_end_date order by 1, 2") -%}
        {%- for gap in gaps.rows -%}
            {{ log("MISSING BASE RATE: no reference rate of law " ~ gap[0] ~ " for "
                ~ gap[1] ~ " to " ~ gap[2] ~ " (" ~ gap[3] ~ " open items accrue interest then): add "
                ~ "the published rate for each half-year in that period to the rate table of "
                ~ "actions/law/" ~ gap[0] ~ ".yaml (German law: the Deutsche Bundesbank's base rate, "
                ~ "seeds/reference/base_rates_de.csv) and run python -m actions.legal --write-seeds; "
                ~ "their statutory interest is left empty, not guessed.", info=True) }}
        {%- endfor -%}
    {%- endif -%}
{%- endif %}
select
    document_id,
    missing_base_rate_from,
    missing_base_rate_to,
    law_code,
    'no reference rate of law ' || law_code || ' for ' || cast(missing_base_rate_from as varchar)
        || ' to ' || cast(missing_base_rate_to as varchar)
        || ': add it to the rate table of actions/law/' || law_code || '.yaml'
        as failure_message
from {{ interest_model }}
where is_base_rate_missing
{% endtest %}

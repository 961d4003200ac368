{#- Every number of the customer risk model in one place (RISK.md explains each).
    Anchor lists are [x, points] pairs read by risk_piecewise_linear: points between two
    anchors are interpolated linearly, below the first and above the last they stay flat.
    A project can override single keys with the var `risk_parameters` (a mapping), e.g.
    `--vars '{"risk_parameters": {"insolvency_points": 100}}'`. -#}
{% macro risk_parameters() -%}
    {%- set defaults = {
        'behaviour_window_months': 12,
        'trend_recent_months': 3,
        'pd_points': [[0, 0], [0.005, 5], [0.01, 10], [0.02, 18], [0.05, 30], [0.10, 40], [0.20, 50]],
        'score_points': [[0, 0], [1, 50]],
        'higher_is_better_scales': ['0-1000', '1-1000'],
        'insolvency_points': 80,
        'no_bureau_report_points': 5,
        'negative_features_points': [[0, 0], [3, 15]],
        'days_late_points': [[0, 0], [60, 30]],
        'overdue_days': 30,
        'overdue_share_points': [[0, 0], [1, 20]],
        'utilisation_points': [[1, 0], [1.5, 15]],
        'trend_points': [[0, 0], [20, 10]],
        'class_cutoffs': [['A', 20], ['B', 40], ['C', 60], ['D', 80]],
        'top_class': 'E',
        'key_account_credit_limit': 100000,
        'key_account_turnover': 250000,
    } -%}
    {%- set merged = {} -%}
    {%- do merged.update(defaults) -%}
    {%- do merged.update(var('risk_parameters', {}) or {}) -%}
    {{ return(merged) }}
{%- endmacro %}

{#- One parameter by name (fails loudly on a typo). -#}
{% macro risk_parameter(name) -%}
    {%- set parameters = risk_parameters() -%}
    {%- if name not in parameters -%}
        {{ exceptions.raise_compiler_error("unknown risk parameter " ~ name) }}
    {%- endif -%}
    {{ return(parameters[name]) }}
{%- endmacro %}

{#- Every threshold and confidence of cash application in one place (the YAML of
    models/intermediate/cash_application explains each). A project can override single
    keys with the var `cash_application_parameters` (a mapping), e.g.
    `--vars '{"cash_application_parameters": {"name_similarity_threshold": 0.95}}'`. -#}
{% macro cash_parameters() -%}
    {%- set defaults = {
        'name_similarity_threshold': 0.93,
        'name_similarity_margin': 0.03,
        'name_min_length': 4,
        'reference_min_length': 6,
        'subset_max_items': 16,
        'confidence': {
            'erp_cleared': 1.00,
            'structured_reference': 1.00,
            'document_number_verbatim': 0.98,
            'document_number': 0.95,
            'document_number_weak': 0.85,
            'order_reference': 0.90,
            'document_date': 0.80,
            'amount_iban': 0.90,
            'amount_customer_reference': 0.85,
            'amount_name': 0.75,
            'amount_subset_discount': 0.10,
            'amount_rounded_discount': 0.15,
            'fifo_erp': 0.80,
            'fifo_iban': 0.70,
            'fifo_customer_reference': 0.65,
            'fifo_name': 0.50,
            'return_reversal': 1.00,
            'credit_note_linked': 1.00,
            'credit_note_named': 0.95,
            'credit_note_amount': 0.80,
        },
    } -%}
    {%- set merged = {} -%}
    {%- do merged.update(defaults) -%}
    {%- do merged.update(var('cash_application_parameters', {}) or {}) -%}
    {{ return(merged) }}
{%- endmacro %}

{#- One parameter by name (fails loudly on a typo). -#}
{% macro cash_parameter(name) -%}
    {%- set parameters = cash_parameters() -%}
    {%- if name not in parameters -%}
        {{ exceptions.raise_compiler_error("unknown cash application parameter " ~ name) }}
    {%- endif -%}
    {{ return(parameters[name]) }}
{%- endmacro %}

{#- A confidence as a decimal(3,2) literal. -#}
{% macro cash_confidence(name) -%}
    {%- set confidences = cash_parameter('confidence') -%}
    {%- if name not in confidences -%}
        {{ exceptions.raise_compiler_error("unknown cash application confidence " ~ name) }}
    {%- endif -%}
    cast({{ confidences[name] }} as decimal(3, 2))
{%- endmacro %}

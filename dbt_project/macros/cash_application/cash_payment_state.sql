{#- What the posted payment decisions (int_payments_posted) share with the models that read
    them: the columns a payment arrives with, and the versions that stood before the as-of
    date. -#}

{#- The columns of a payment as its source delivers them (int_payments_unioned): a payment
    whose source row changed in any of them since it was decided is decided again. -#}
{% macro cash_payment_source_columns() -%}
    {{ return([
        'payment_id', 'payment_source', 'payment_date', 'value_date', 'amount', 'currency',
        'erp_customer_id', 'erp_document_id', 'payer_name', 'payer_iban', 'remittance_text',
        'structured_reference', 'end_to_end_id', 'receiving_account_iban',
        'is_returned_outgoing'
    ]) }}
{%- endmacro %}

{#- The version of each payment's decision that stood before the as-of date D in `state`
    (int_payments_posted as earlier runs wrote it): decided before D and not replaced
    before D. A re-run of D ignores what D itself wrote. -#}
{% macro cash_payments_standing(state) -%}
    select *
    from {{ state }}
    where decided_on < {{ as_of_date() }}
        and (superseded_on is null or superseded_on >= {{ as_of_date() }})
{%- endmacro %}

{#- What a decision on a payment holds besides its source columns: a new version is posted
    only when one of these (or a source column) differs from the standing one. -#}
{% macro cash_payment_decision_columns() -%}
    {{ return(cash_payment_source_columns() + [
        'customer_id', 'identified_by', 'valid_claims', 'currency_mismatch_claims',
        'names_other_customer_document', 'names_other_currency_document',
        'taught_customer_ids', 'taught_by_exact_reference'
    ]) }}
{%- endmacro %}

{#- Whether the payment row `left` differs from the standing version `right` in any of
    `columns` but the first (payment_id, the key they were joined on). -#}
{% macro cash_payment_differs(left, right, columns) -%}
    ({% for column in columns[1:] -%}
        {{ left }}.{{ column }} is distinct from {{ right }}.{{ column }}
        {%- if not loop.last %} or {% endif %}
    {%- endfor %})
{%- endmacro %}

{#- The hooks of int_payments_posted. Before: a re-run of the latest decided day takes back
    what that day decided (its versions deleted, the versions they replaced standing again);
    a run for an earlier day changes nothing. After: the versions today's replace end today.
    Returned as text that dbt renders when the hook runs. -#}
{#- Only the latest decided day writes: no version is decided after the as-of date. -#}
{% macro cash_payments_state_is_latest() -%}
    {{ return("not exists (select 1 from {{ this }} where decided_on > {{ as_of_date() }})") }}
{%- endmacro %}

{% macro cash_payments_state_pre_hooks() -%}
    {%- set latest = cash_payments_state_is_latest() %}
    {{ return([
        "{% if is_incremental() %}update {{ this }} set superseded_on = null where superseded_on = {{ as_of_date() }} and " ~ latest ~ "{% endif %}",
        "{% if is_incremental() %}delete from {{ this }} where decided_on = {{ as_of_date() }} and " ~ latest ~ "{% endif %}"
    ]) }}
{%- endmacro %}

{% macro cash_payments_state_post_hook() -%}
    {{ return("update {{ this }} set superseded_on = {{ as_of_date() }} where decided_on < {{ as_of_date() }} and superseded_on is null and payment_id in (select payment_id from {{ this }} where decided_on = {{ as_of_date() }}) and " ~ cash_payments_state_is_latest()) }}
{%- endmacro %}

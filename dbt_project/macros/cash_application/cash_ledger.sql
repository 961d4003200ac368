{#- What the two posted ledgers (int_payment_allocations_posted and
    int_credit_note_applications_posted) share: insert-only tables that post on the latest
    day only, a re-run of which replaces what that day posted. -#}

{#- The pre-hook of a ledger: a re-run of the latest posted day first deletes that day's
    rows (a failed or corrected day); a run for an earlier day deletes nothing, since later
    days built on it. Returned as text that dbt renders when the hook runs. -#}
{% macro cash_ledger_pre_hook() -%}
    {{ return("{% if is_incremental() %}delete from {{ this }} where posted_on = {{ as_of_date() }} and not exists (select 1 from {{ this }} where posted_on > {{ as_of_date() }}){% endif %}") }}
{%- endmacro %}

{#- A posted ledger as the table earlier runs wrote (none before its first run), for the
    models that read what was posted before the as-of date: they run before the ledger
    (which reads them), so ref() would be a cycle. Readers filter `posted_on < as_of_date()`,
    which a re-run of the day does not change. -#}
{% macro cash_ledger_relation(identifier) -%}
    {%- if execute %}
        {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier=identifier)) }}
    {%- endif %}
    {{ return(none) }}
{%- endmacro %}

{#- Whether a ledger row (of relation alias `row`) is an unapplied part a retry may apply: a
    returned outgoing payment is never ours to apply, reversed money and a booking loaded
    for manual application wait for a person.
    The ledger's retry and the choice of the payments to decide (int_payments_to_allocate)
    share it. -#}
{% macro cash_is_retryable(row) -%}
    ({{ row }}.document_id is null
        and {{ row }}.unapplied_reason not in (
            'returned_outgoing_payment', 'reversed', 'manual_application'
        ))
{%- endmacro %}

{#- The body of the `posted` CTE: the rows posted on days other than the as-of date (on
    the first run none, with the columns of `empty_from`, a CTE with `columns`). -#}
{% macro cash_ledger_posted(columns, empty_from) -%}
    {%- if is_incremental() %}
    select
        {{ columns | join(', ') }},
        posting_kind,
        posting_date,
        posted_on
    from {{ this }}
    where posted_on <> {{ as_of_date() }}
    {%- else %}
    select
        *,
        cast(null as varchar) as posting_kind,
        cast(null as date) as posting_date,
        cast(null as date) as posted_on
    from {{ empty_from }}
    where false
    {%- endif %}
{%- endmacro %}

{#- The body of the `ledger` CTE over `posted`: is_opening (nothing posted yet: the run
    takes history over) and is_latest (no later day posted: only then does the run post). -#}
{% macro cash_ledger_state() -%}
    select
        count(*) = 0 as is_opening,
        coalesce(max(posted_on) < {{ as_of_date() }}, true) as is_latest
    from posted
{%- endmacro %}

{#- What is left of `room` for a row once the rows before it (in `order_by`, within
    `partition_by`) took their `amount`, never below zero: filling an invoice's room in
    order, taking bank credits back latest first, taking a retry off unapplied parts. -#}
{% macro cash_room_left(room, amount, partition_by, order_by) -%}
    greatest(
        {{ room }} - coalesce(sum({{ amount }}) over (
            partition by {{ partition_by }}
            order by {{ order_by }}
            rows between unbounded preceding and 1 preceding
        ), 0),
        0
    )
{%- endmacro %}

{#- The columns of an allocation row, in order: the proposal (int_payment_allocations),
    the cash ledger (which adds reversal_id and its posting columns) and the ledger as of
    a date all carry them. -#}
{% macro cash_allocation_columns() -%}
    {{ return([
        'payment_id', 'payment_source', 'allocation_step', 'document_id', 'amount', 'currency',
        'payment_date', 'applied_date', 'match_method', 'confidence', 'unapplied_reason'
    ]) }}
{%- endmacro %}

{#- Taking back what payments hold on invoices (a person's reversal, the ERP clearing the
    invoice otherwise): for each row of `holdings` (the posted columns of a payment's
    holding on an invoice) `amount` comes off the invoice, and per payment the sum waits
    as one unapplied part with `unapplied_reason`; both rows are of posting kind (and
    allocation step) `kind`. `reversal_id`: the column or value the rows carry. -#}
{% macro cash_take_back(holdings, amount, kind, unapplied_reason, reversal_id) -%}
    select
        payment_id,
        payment_source,
        allocation_step,
        document_id,
        -{{ amount }} as amount,
        currency,
        payment_date,
        applied_date,
        match_method,
        confidence,
        cast(null as varchar) as unapplied_reason,
        {{ reversal_id }} as reversal_id,
        '{{ kind }}' as posting_kind
    from {{ holdings }}
    where {{ amount }} > 0

    union all

    select
        payment_id,
        any_value(payment_source),
        '{{ kind }}' as allocation_step,
        cast(null as varchar) as document_id,
        sum({{ amount }}) as amount,
        any_value(currency),
        any_value(payment_date),
        any_value(payment_date) as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        '{{ unapplied_reason }}' as unapplied_reason,
        {{ reversal_id }} as reversal_id,
        '{{ kind }}' as posting_kind
    from {{ holdings }}
    where {{ amount }} > 0
    group by payment_id, {{ reversal_id }}
{%- endmacro %}

{#- The daily balances on the as-of date must equal the open-item list exactly, per
    entity and currency, in document currency: receivables = sum of open amounts,
    overdue = sum of open amounts past due. Guards the set-based daily computation
    (deltas and cumulative sums) against the document-by-document one. -#}
{% test reconciles_with_open_items(model) %}

with

daily as (
    select
        entity_id,
        currency,
        receivables_amount,
        overdue_amount
    from {{ model }}
    where balance_date = {{ as_of_date() }}
),

open_items as (
    select
        entity as entity_id,
        currency,
        sum(open_amount) as receivables_amount,
        sum(case when days_past_due > 0 then open_amount else 0 end) as overdue_amount
    from {{ ref('fct_open_items') }}
    group by
        entity,
        currency
),

compared as (
    select
        coalesce(daily.entity_id, open_items.entity_id) as entity_id,
        coalesce(daily.currency, open_items.currency) as currency,
        coalesce(daily.receivables_amount, 0) as daily_receivables_amount,
        coalesce(open_items.receivables_amount, 0) as open_items_receivables_amount,
        coalesce(daily.overdue_amount, 0) as daily_overdue_amount,
        coalesce(open_items.overdue_amount, 0) as open_items_overdue_amount
    from daily
    full outer join open_items
        on open_items.entity_id = daily.entity_id
        and open_items.currency = daily.currency
)

select * from compared
where daily_receivables_amount <> open_items_receivables_amount
    or daily_overdue_amount <> open_items_overdue_amount

{% endtest %}

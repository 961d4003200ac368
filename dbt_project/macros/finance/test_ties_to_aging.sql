{#- The aging trend's as-of date must be today's aging exactly: per entity, currency and
    bucket, the open amount in the reporting currency and the number of items of
    fct_open_items. Guards the month-end computation (movements summed up to each
    balance date) against the document-by-document open-item list. -#}
{% test ties_to_aging(model) %}

with

history as (
    select entity, currency, aging_bucket, open_amount_reporting, items
    from {{ model }}
    where balance_date = {{ as_of_date() }}
),

open_items as (
    select
        entity,
        currency,
        aging_bucket,
        sum(open_amount_reporting) as open_amount_reporting,
        count(*) as items
    from {{ ref('fct_open_items') }}
    group by all
),

compared as (
    select
        coalesce(history.entity, open_items.entity) as entity,
        coalesce(history.currency, open_items.currency) as currency,
        coalesce(history.aging_bucket, open_items.aging_bucket) as aging_bucket,
        history.open_amount_reporting as history_amount,
        open_items.open_amount_reporting as open_items_amount,
        history.items as history_items,
        open_items.items as open_items_items
    from history
    full outer join open_items
        on open_items.entity = history.entity
        and open_items.currency = history.currency
        and open_items.aging_bucket = history.aging_bucket
)

select * from compared
where history_amount is distinct from open_items_amount
    or history_items is distinct from open_items_items

{% endtest %}

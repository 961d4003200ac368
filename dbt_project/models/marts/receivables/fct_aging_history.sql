-- The aging trend: open amounts per aging bucket at every month end of the
-- aging_history_months (var, 24) months before the as-of date and on the as-of date
-- itself, per entity and document currency, in the reporting currency at that day's rate
-- (rounded per document, like fct_open_items, so the as-of date ties to fct_aging). The
-- overview's chart reads it; it used to compute this from intermediate models itself.

with

month_ends as (
    select distinct
        least(last_day(cast(month_start as date)), {{ as_of_date() }}) as balance_date
    from range(
        date_trunc('month', {{ as_of_date() }})
            - to_months(cast({{ var('aging_history_months', 24) }} as integer)),
        {{ as_of_date() }} + interval 1 day,
        interval 1 month
    ) as months (month_start)
),

documents as (
    select * from {{ ref('int_documents_issued') }}
),

movements as (
    select * from {{ ref('int_document_movements') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

balances as (
    select
        month_ends.balance_date,
        documents.document_id,
        documents.entity_id,
        documents.currency,
        documents.overdue_from_date,
        sum(movements.movement_amount) as open_amount
    from month_ends
    inner join movements
        on movements.balance_date <= month_ends.balance_date
    inner join documents
        on documents.document_id = movements.document_id
    group by all
    having sum(movements.movement_amount) <> 0
),

aged as (
    select
        balances.balance_date,
        balances.entity_id,
        balances.currency,
        fx_rates.reporting_currency,
        greatest(0, date_diff('day', balances.overdue_from_date, balances.balance_date) + 1)
            as days_past_due,
        round(
            balances.open_amount / fx_rates.units_per_eur * fx_rates.reporting_units_per_eur, 2
        ) as open_amount_reporting
    from balances
    inner join fx_rates
        on fx_rates.rate_date = balances.balance_date
        and fx_rates.currency = balances.currency
),

final as (
    select
        {{ as_of_date() }} as as_of_date,
        balance_date,
        cast(entity_id as varchar) as entity,
        cast(currency as varchar) as currency,
        cast(reporting_currency as varchar) as reporting_currency,
        cast({{ aging_bucket('days_past_due') }} as varchar) as aging_bucket,
        cast({{ aging_bucket_order(aging_bucket('days_past_due')) }} as integer)
            as aging_bucket_order,
        cast(sum(open_amount_reporting) as decimal(18, 2)) as open_amount_reporting,
        cast(count(*) as integer) as items
    from aged
    group by all
)

select * from final

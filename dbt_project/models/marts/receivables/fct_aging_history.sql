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

-- a movement counts from the first balance date on or after its day (the window's first
-- month end for older ones): each document's open amount changes only at these dates, so
-- its balance at a month end is the running sum up to the last change before it, and a
-- document is listed only for the month ends it is open (not every movement joined to
-- every later month end: 25 x 2 M rows at 1 M invoices)
changes as (
    select
        movements.document_id,
        greatest(
            first_month_end.balance_date,
            least(last_day(movements.balance_date), {{ as_of_date() }})
        ) as change_date,
        sum(movements.movement_amount) as change_amount
    from movements
    cross join (select min(balance_date) as balance_date from month_ends) as first_month_end
    where movements.balance_date <= {{ as_of_date() }}
    group by all
    -- a change of nothing changes no balance: leaving it out leaves every span's amount
    -- as it was and spares the window below most paid-off documents (issue and payment
    -- before the first month end fall on one change date)
    having sum(movements.movement_amount) <> 0
),

open_spans as (
    select *
    from (
        select
            document_id,
            change_date as from_date,
            lead(change_date) over (partition by document_id order by change_date) as to_date,
            sum(change_amount) over (
                partition by document_id order by change_date rows unbounded preceding
            ) as open_amount
        from changes
    ) as spans
    where open_amount <> 0
),

balances as (
    select
        month_ends.balance_date,
        documents.document_id,
        documents.entity_id,
        documents.currency,
        documents.overdue_from_date,
        open_spans.open_amount
    from open_spans
    inner join month_ends
        on month_ends.balance_date >= open_spans.from_date
        and (open_spans.to_date is null or month_ends.balance_date < open_spans.to_date)
    inner join documents
        on documents.document_id = open_spans.document_id
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

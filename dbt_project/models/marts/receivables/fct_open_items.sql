-- The open-item list (OPOS) on the as-of date: every document issued by then whose
-- movements up to then leave an open amount other than zero (the open-item state,
-- int_documents_open), aged, with its statuses, dunning level and reporting amount.
-- Credit notes are negative open items until applied.

with

documents_open as (
    select * from {{ ref('int_documents_open') }}
),

collection_statuses as (
    select * from {{ ref('int_collection_statuses') }}
),

dunning_levels as (
    select * from {{ ref('int_dunning_levels') }}
),

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

open_items as (
    select
        *,
        case
            when effective_due_date >= {{ as_of_date() }} then 0
            else {{ finance_days_between('effective_due_date', as_of_date()) }}
        end as days_past_due
    from documents_open
),

aged as (
    select
        *,
        {{ aging_bucket('days_past_due') }} as aging_bucket
    from open_items
),

document_statuses as (
    select * from collection_statuses
    where not is_customer_wide
),

customer_statuses as (
    select * from collection_statuses
    where is_customer_wide
),

with_statuses as (
    select
        aged.*,
        coalesce(document_statuses.is_disputed, false)
        or coalesce(customer_statuses.is_disputed, false) as in_dispute,
        -- the latest promise covering the document (its own or customer-wide) counts,
        -- while its date has not passed
        case
            when document_statuses.latest_promise_at is not null
                and (
                    customer_statuses.latest_promise_at is null
                    or document_statuses.latest_promise_at >= customer_statuses.latest_promise_at
                )
                then document_statuses.latest_promise_until_date
            else customer_statuses.latest_promise_until_date
        end as latest_promise_until_date,
        coalesce(document_statuses.is_dunning_blocked, false)
        or coalesce(customer_statuses.is_dunning_blocked, false) as dunning_blocked
    from aged
    left join document_statuses
        on document_statuses.document_id = aged.document_id
    left join customer_statuses
        on customer_statuses.customer_id = aged.customer_id
),

final as (
    select
        {{ as_of_date() }} as as_of_date,
        cast(with_statuses.document_id as varchar) as document_id,
        cast(with_statuses.customer_id as varchar) as customer_id,
        cast(customers.customer_name as varchar) as customer_name,
        cast(customers.collector as varchar) as collector,
        cast(with_statuses.entity_id as varchar) as entity,
        cast(with_statuses.document_type as varchar) as document_type,
        cast(with_statuses.payment_reference as varchar) as payment_reference,
        with_statuses.issue_date,
        with_statuses.due_date,
        with_statuses.effective_due_date,
        with_statuses.is_due_date_defaulted,
        cast(with_statuses.currency as varchar) as currency,
        cast(with_statuses.amount as decimal(18, 2)) as amount,
        cast(with_statuses.paid_amount as decimal(18, 2)) as paid_amount,
        cast(with_statuses.open_amount as decimal(18, 2)) as open_amount,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        {{ finance_fx_convert(
            'with_statuses.open_amount',
            'fx_rates.units_per_eur',
            'fx_rates.reporting_units_per_eur'
        ) }} as open_amount_reporting,
        cast(fx_rates.units_per_eur as decimal(18, 6)) as units_per_eur,
        fx_rates.rate_published_date as fx_rate_published_date,
        cast(with_statuses.days_past_due as integer) as days_past_due,
        cast(with_statuses.aging_bucket as varchar) as aging_bucket,
        cast(coalesce(dunning_levels.dunning_level, 0) as integer) as dunning_level,
        dunning_levels.last_dunned_date,
        with_statuses.in_dispute,
        case
            when with_statuses.latest_promise_until_date >= {{ as_of_date() }}
                then with_statuses.latest_promise_until_date
        end as promised_until,
        with_statuses.dunning_blocked
    from with_statuses
    left join customers
        on customers.customer_id = with_statuses.customer_id
    left join dunning_levels
        on dunning_levels.document_id = with_statuses.document_id
    -- a rate older than fx_max_rate_age_days converts nothing: the amount stays null and
    -- test fx_rate_within_days names the currency and date
    left join fx_rates
        on fx_rates.currency = with_statuses.currency
        and fx_rates.rate_date = {{ as_of_date() }}
        and fx_rates.rate_age_days <= {{ var('fx_max_rate_age_days', 7) }}
)

select * from final

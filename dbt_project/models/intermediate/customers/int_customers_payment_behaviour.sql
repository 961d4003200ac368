{%- set window_months = risk_parameter('behaviour_window_months') -%}
{%- set recent_months = risk_parameter('trend_recent_months') -%}

with

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

payment_applications as (
    select * from {{ ref('int_payment_applications') }}
),

-- the documents issued by the as-of date, de-duplicated once for every receivables model
-- (stg_erp__documents is a view: joining it here would pick each document's latest
-- version again; due_date is the ERP's own, as there)
documents as (
    select * from {{ ref('int_documents_issued') }}
),

fx_rates_daily as (
    select * from {{ ref('int_fx_rates_daily') }}
),

windows as (
    select
        cast({{ dbt.dateadd('month', -window_months, as_of_date()) }} as date) as window_start_date,
        cast({{ dbt.dateadd('month', -recent_months, as_of_date()) }} as date) as recent_start_date
),

fx_as_of as (
    select
        currency,
        units_per_eur,
        reporting_units_per_eur
    from fx_rates_daily
    where rate_date = {{ as_of_date() }}
),

-- a returned payment's reversal (a negative row) cancels its application: net per payment
-- and document, dated by the day the money was first applied
applications_netted as (
    select
        payment_id,
        payment_source,
        document_id,
        sum(applied_amount) as applied_amount,
        min(case when applied_amount > 0 then applied_date end) as applied_date
    from payment_applications
    where applied_date <= {{ as_of_date() }}
    group by
        payment_id,
        payment_source,
        document_id
),

invoice_payments as (
    select
        documents.customer_id,
        documents.document_id,
        applications_netted.applied_date,
        {{ finance_fx_convert(
            'applications_netted.applied_amount', 'fx_as_of.units_per_eur', 'fx_as_of.reporting_units_per_eur'
        ) }} as applied_amount_reporting,
        {{ dbt.datediff('documents.due_date', 'applications_netted.applied_date', 'day') }} as days_late,
        applications_netted.applied_date > windows.recent_start_date as is_recent
    from applications_netted
    inner join documents
        on applications_netted.document_id = documents.document_id
    inner join fx_as_of
        on documents.currency = fx_as_of.currency
    cross join windows
    where
        applications_netted.applied_amount > 0
        and documents.document_type = 'invoice'
        and documents.issue_date <= {{ as_of_date() }}
        and applications_netted.applied_date > windows.window_start_date
),

behaviour_summed as (
    select
        customer_id,
        count(distinct document_id) as paid_item_count,
        sum(applied_amount_reporting) as paid_amount_reporting,
        sum(applied_amount_reporting * days_late) as weighted_days_late,
        sum(case when days_late > 0 then applied_amount_reporting else 0 end)
            as paid_late_amount_reporting,
        sum(case when is_recent then applied_amount_reporting else 0 end) as recent_paid_amount_reporting,
        sum(case when is_recent then applied_amount_reporting * days_late else 0 end)
            as recent_weighted_days_late,
        sum(case when not is_recent then applied_amount_reporting else 0 end) as prior_paid_amount_reporting,
        sum(case when not is_recent then applied_amount_reporting * days_late else 0 end)
            as prior_weighted_days_late
    from invoice_payments
    group by customer_id
),

averages_computed as (
    select
        customer_id,
        paid_item_count,
        paid_amount_reporting,
        paid_late_amount_reporting,
        cast({{ finance_divide('weighted_days_late', 'paid_amount_reporting', 2) }} as decimal(9, 2))
            as avg_days_late,
        cast({{ finance_divide('paid_late_amount_reporting', 'paid_amount_reporting', 4) }} as decimal(5, 4))
            as late_amount_share,
        cast({{ finance_divide('recent_weighted_days_late', 'recent_paid_amount_reporting', 2) }}
            as decimal(9, 2)) as avg_days_late_recent,
        cast({{ finance_divide('prior_weighted_days_late', 'prior_paid_amount_reporting', 2) }}
            as decimal(9, 2)) as avg_days_late_prior
    from behaviour_summed
    where paid_amount_reporting > 0
),

final as (
    select
        customers.customer_id,
        coalesce(averages_computed.paid_item_count, 0) as paid_item_count,
        cast(coalesce(averages_computed.paid_amount_reporting, 0) as decimal(18, 2))
            as paid_amount_reporting,
        cast(coalesce(averages_computed.paid_late_amount_reporting, 0) as decimal(18, 2))
            as paid_late_amount_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        averages_computed.avg_days_late,
        averages_computed.late_amount_share,
        averages_computed.avg_days_late_recent,
        averages_computed.avg_days_late_prior,
        cast(averages_computed.avg_days_late_recent - averages_computed.avg_days_late_prior
            as decimal(9, 2)) as avg_days_late_trend
    from customers
    left join averages_computed
        on customers.customer_id = averages_computed.customer_id
)

select * from final

with

open_items as (
    select * from {{ ref('fct_open_items') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

base_rate_periods as (
    select * from {{ ref('int_base_rate_periods') }}
),

movements as (
    select * from {{ ref('int_document_movements') }}
),

-- each law's terms per party (generated from actions/law/<code>.yaml)
legal_terms as (
    select * from {{ ref('legal_terms') }}
),

-- default (Verzug) begins the day after the ERP due date (BGB §286(2) no. 1); without
-- one, days_after_invoice days after the invoice (§286(3): issue date + 30 + 1), for a
-- consumer only where the law does not ask the invoice to have pointed this out (then
-- only a reminder puts them in default, and no interest runs here)
defaults as (
    select
        open_items.document_id,
        open_items.customer_id,
        customers.customer_type,
        legal_terms.law_code,
        legal_terms.interest_points,
        legal_terms.year_days,
        legal_terms.claims_flat_fee,
        legal_terms.flat_fee_amount as law_flat_fee_amount,
        legal_terms.currency as law_currency,
        open_items.currency,
        open_items.open_amount as principal_amount,
        open_items.effective_due_date as due_date,
        case
            when open_items.due_date is not null
                then {{ legal_add_days('open_items.due_date', 1) }}
            when legal_terms.party = 'business' or not legal_terms.consumer_needs_notice
                then {{ legal_add_days('open_items.issue_date', 'legal_terms.days_after_invoice + 1') }}
        end as default_start_date
    from open_items
    left join customers
        on open_items.customer_id = customers.customer_id
    inner join legal_terms
        on legal_terms.party = {{ legal_party('customers.customer_type') }}
    where
        open_items.document_type = 'invoice'
        and open_items.open_amount > 0
),

-- interest runs from the first day of default through the as-of date, both included, on
-- the principal open on the as-of date
interest_spans as (
    select
        *,
        default_start_date as interest_start_date,
        {{ as_of_date() }} as interest_end_date,
        {{ legal_days_between('default_start_date', as_of_date()) }} + 1 as interest_days
    from defaults
    where default_start_date <= {{ as_of_date() }}
),

-- the balance actually open on each day of the span (BGB §288(1): interest on the debt as
-- it stands): it changes on the days of the document's movements, a payment or credit note
-- reducing it from its value date; what moved before the span is its opening balance
balance_changes as (
    select
        interest_spans.document_id,
        interest_spans.law_code,
        interest_spans.interest_points,
        interest_spans.year_days,
        interest_spans.interest_end_date,
        greatest(movements.balance_date, interest_spans.interest_start_date) as change_date,
        sum(movements.movement_amount) as change_amount
    from interest_spans
    inner join movements
        on interest_spans.document_id = movements.document_id
        and movements.balance_date <= interest_spans.interest_end_date
    group by all
),

balance_segments as (
    select
        document_id,
        law_code,
        interest_points,
        year_days,
        change_date as segment_start_date,
        coalesce(
            {{ legal_add_days(
                'lead(change_date) over (partition by document_id, law_code order by change_date)',
                -1) }},
            interest_end_date
        ) as segment_end_date,
        sum(change_amount) over (
            partition by document_id, law_code order by change_date rows unbounded preceding
        ) as balance_amount
    from balance_changes
),

-- each span split at every 1 January and 1 July it crosses (the rate's periods)
period_overlaps as (
    select
        interest_spans.document_id,
        interest_spans.law_code,
        cast(base_rate_periods.base_rate_percent + interest_spans.interest_points as decimal(9, 4))
            as interest_rate_percent,
        greatest(base_rate_periods.period_start, interest_spans.interest_start_date)
            as accrual_start_date,
        least(base_rate_periods.period_end, interest_spans.interest_end_date)
            as accrual_end_date
    from interest_spans
    inner join base_rate_periods
        on base_rate_periods.law_code = interest_spans.law_code
        and base_rate_periods.period_start <= interest_spans.interest_end_date
        and base_rate_periods.period_end >= interest_spans.interest_start_date
),

period_accruals as (
    select
        document_id,
        law_code,
        interest_rate_percent,
        accrual_start_date,
        accrual_end_date,
        {{ legal_days_between('accrual_start_date', 'accrual_end_date') }} + 1 as accrual_days
    from period_overlaps
),

-- interest per piece of a rate period and a balance segment: balance x rate x days
interest_pieces as (
    select
        period_accruals.document_id,
        period_accruals.law_code,
        {{ legal_interest_numerator(
            'balance_segments.balance_amount',
            'period_accruals.interest_rate_percent',
            legal_days_between(
                'greatest(period_accruals.accrual_start_date, balance_segments.segment_start_date)',
                'least(period_accruals.accrual_end_date, balance_segments.segment_end_date)'
            ) ~ ' + 1'
        ) }} as interest_numerator
    from period_accruals
    inner join balance_segments
        on period_accruals.document_id = balance_segments.document_id
        and period_accruals.law_code = balance_segments.law_code
        and balance_segments.segment_start_date <= period_accruals.accrual_end_date
        and balance_segments.segment_end_date >= period_accruals.accrual_start_date
    where balance_segments.balance_amount > 0
),

interest_per_document as (
    select
        document_id,
        law_code,
        sum(interest_numerator) as interest_numerator
    from interest_pieces
    group by document_id, law_code
),

-- summed unrounded, rounded once at the end
accruals_per_document as (
    select
        document_id,
        law_code,
        count(*) as period_count,
        sum(accrual_days) as covered_days,
        min(accrual_start_date) as first_covered_date,
        max(accrual_end_date) as last_covered_date,
        {{ legal_string_agg(
            "cast(accrual_start_date as varchar) || '..' || cast(accrual_end_date as varchar)
            || ' ' || cast(cast(interest_rate_percent as decimal(9, 2)) as varchar) || '% x '
            || cast(accrual_days as varchar) || 'd'",
            "'; '",
            'accrual_start_date') }} as periods_detail
    from period_accruals
    group by document_id, law_code
),

coverage as (
    select
        interest_spans.*,
        coalesce(accruals_per_document.period_count, 0) as period_count,
        coalesce(accruals_per_document.covered_days, 0) as covered_days,
        accruals_per_document.first_covered_date,
        accruals_per_document.last_covered_date,
        coalesce(interest_per_document.interest_numerator, 0) as interest_numerator,
        accruals_per_document.periods_detail
    from interest_spans
    left join accruals_per_document
        on interest_spans.document_id = accruals_per_document.document_id
        and interest_spans.law_code = accruals_per_document.law_code
    left join interest_per_document
        on interest_spans.document_id = interest_per_document.document_id
        and interest_spans.law_code = interest_per_document.law_code
),

-- base-rate periods are contiguous, so days without a rate lie at the start and/or the
-- end of the span
final as (
    select
        document_id,
        law_code,
        customer_id,
        customer_type,
        due_date,
        default_start_date,
        interest_start_date,
        interest_end_date,
        cast(interest_days as integer) as interest_days,
        cast(covered_days as integer) as covered_days,
        cast(period_count as integer) as period_count,
        principal_amount,
        interest_points,
        -- left empty, never guessed, when a day of the span has no base rate
        case
            when covered_days = interest_days
                then {{ legal_interest_from_numerator('interest_numerator', 'year_days') }}
        end as interest_amount,
        currency,
        covered_days < interest_days as is_base_rate_missing,
        case
            when covered_days = interest_days then null
            when first_covered_date is null or first_covered_date > interest_start_date
                then interest_start_date
            else {{ legal_add_days('last_covered_date', 1) }}
        end as missing_base_rate_from,
        case
            when covered_days = interest_days then null
            when last_covered_date is null or last_covered_date < interest_end_date
                then interest_end_date
            else {{ legal_add_days('first_covered_date', -1) }}
        end as missing_base_rate_to,
        periods_detail,
        -- BGB §288(5): EUR 40 once per claim against a business in default
        case
            when claims_flat_fee then cast(law_flat_fee_amount as decimal(18, 2))
            else cast(0 as decimal(18, 2))
        end as flat_fee_amount,
        law_currency as flat_fee_currency
    from coverage
)

select * from final

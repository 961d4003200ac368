-- The day's proposal: one row per part of a payment decided today (int_payments_to_allocate)
-- before returns: applied to an invoice (document_id set, match_method and confidence) or
-- unapplied (unapplied_reason). Every payment decided today has at least one row and its rows add up to its amount. Collects the
-- three allocation steps (named invoices, amount rules, FIFO) and the payments that go
-- straight to unapplied cash (returned outgoing payments, currency mismatches, no match).
-- What the amount step applied of a named payment's surplus comes off its overpayment.
with

payments as (
    select * from {{ ref('int_payments_to_allocate') }}
),

named as (
    select * from {{ ref('int_payments_allocated_named') }}
),

by_amount as (
    select * from {{ ref('int_payments_allocated_by_amount') }}
),

fifo as (
    select * from {{ ref('int_payments_allocated_fifo') }}
),

surplus_applied as (
    select
        by_amount.payment_id,
        sum(by_amount.amount) as applied_amount
    from by_amount
    inner join payments
        on by_amount.payment_id = payments.payment_id
    where payments.allocation_route = 'named'
        and by_amount.document_id is not null
    group by by_amount.payment_id
),

named_after_surplus as (
    select
        named.payment_id,
        named.document_id,
        named.amount - case
            when named.unapplied_reason = 'overpayment' then coalesce(surplus_applied.applied_amount, 0)
            else 0
        end as amount,
        named.applied_date,
        named.match_method,
        named.confidence,
        named.unapplied_reason
    from named
    left join surplus_applied
        on named.payment_id = surplus_applied.payment_id
),

straight_to_unapplied as (
    select
        payment_id,
        cast(null as varchar) as document_id,
        amount,
        payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        case allocation_route
            when 'manual_application' then 'manual_application'
            when 'returned_outgoing' then 'returned_outgoing_payment'
            when 'currency_mismatch' then 'currency_mismatch'
            else 'no_match'
        end as unapplied_reason
    from payments
    where allocation_route in (
        'manual_application', 'returned_outgoing', 'currency_mismatch', 'returned_unmatched',
        'unmatched'
    )
),

allocations as (
    select 'named' as allocation_step, * from named_after_surplus
    union all
    select 'by_amount' as allocation_step, * from by_amount
    union all
    select 'fifo' as allocation_step, * from fifo
    union all
    select 'unapplied' as allocation_step, * from straight_to_unapplied
),

final as (
    select
        allocations.payment_id,
        payments.payment_source,
        allocations.allocation_step,
        allocations.document_id,
        allocations.amount,
        payments.currency,
        payments.payment_date,
        allocations.applied_date,
        allocations.match_method,
        allocations.confidence,
        allocations.unapplied_reason
    from allocations
    inner join payments
        on allocations.payment_id = payments.payment_id
    where allocations.amount > 0
)

select * from final

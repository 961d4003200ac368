-- The payments cash application decides on the as-of date D: those the posted cash ledger
-- (int_payment_allocations_posted) does not hold as settled before D. A payment is
-- decided on the day it is posted and then stands; later days retry only what is still
-- open. So the allocation steps (int_named_claims_settled, int_payments_allocated_*,
-- int_payment_allocations) see, instead of all history:
--   a payment not posted before D (new, or known only from a late file);
--   a posted ERP payment whose amount changed since (the ledger reverses and reposts it);
--   a posted payment with an unapplied part a retry may apply (what the ledger's retry
--   takes: not a returned outgoing payment, not money a person reversed): with that part
--   as its amount, since what it holds stays where it was posted.
-- decided_as says which: new, changed or retry.
-- On the ledger's first run nothing is posted and every payment is decided (the opening).
-- What the other, standing payments hold on invoices is int_invoices_to_allocate's
-- held_amount: the room the decided payments compete for is what they left.
{%- set ledger = cash_ledger_relation('int_payment_allocations_posted') %}
with

payments as (
    select * from {{ ref('int_payments') }}
),

posted_totals as (
    {%- if ledger is not none %}
    select
        payment_id,
        sum(amount) as posted_amount,
        sum(case when {{ cash_is_retryable('ledger') }} then amount else 0 end)
            as retryable_amount
    from {{ ledger }} as ledger
    where posted_on < {{ as_of_date() }}
    group by payment_id
    {%- else %}
    select
        cast(null as varchar) as payment_id,
        cast(null as decimal(18, 2)) as posted_amount,
        cast(null as decimal(18, 2)) as retryable_amount
    where false
    {%- endif %}
),

decided as (
    select
        payments.*,
        case
            when posted_totals.payment_id is null then 'new'
            when posted_totals.posted_amount <> payments.amount then 'changed'
            when posted_totals.retryable_amount > 0 then 'retry'
        end as decided_as,
        posted_totals.retryable_amount
    from payments
    left join posted_totals
        on payments.payment_id = posted_totals.payment_id
),

-- a retry decides only the open part: what the payment holds stays where it was posted
final as (
    select
        * exclude (retryable_amount) replace (
            case when decided_as = 'retry' then retryable_amount else amount end as amount
        )
    from decided
    where decided_as is not null
)

select * from final

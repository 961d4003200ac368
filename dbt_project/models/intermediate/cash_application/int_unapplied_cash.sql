-- One row per (payment, reason): the part of an incoming payment not applied to any
-- invoice on the as-of date, and why (overpayment, document_already_settled,
-- ambiguous_amount, no_match, currency_mismatch, returned_outgoing_payment,
-- named_document_other_customer). A returned bank credit's unapplied part is reduced by
-- its return first (int_payment_applications reverses the rest); parts reduced to zero
-- disappear.
with

payments as (
    select * from {{ ref('int_payments') }}
),

allocations as (
    select * from {{ ref('int_payment_allocations_as_of') }}
),

unapplied as (
    select *
    from allocations
    where document_id is null
),

reduced as (
    select
        unapplied.payment_id,
        unapplied.payment_source,
        unapplied.amount,
        unapplied.currency,
        unapplied.payment_date,
        unapplied.unapplied_reason,
        payments.customer_id,
        least(
            unapplied.amount,
            greatest(
                payments.returned_amount - coalesce(sum(unapplied.amount) over (
                    partition by unapplied.payment_id
                    order by unapplied.unapplied_reason
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as returned_amount
    from unapplied
    inner join payments
        on unapplied.payment_id = payments.payment_id
),

final as (
    select
        payment_id,
        payment_source,
        customer_id,
        cast(amount - returned_amount as decimal(18, 2)) as amount,
        currency,
        payment_date,
        unapplied_reason as reason
    from reduced
    where amount > returned_amount
)

select * from final

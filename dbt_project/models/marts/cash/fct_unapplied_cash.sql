-- One row per payment (part) not applied to any invoice on the as-of date, with the
-- reason, and what a clerk needs to apply it by hand.
with

unapplied as (
    select * from {{ ref('int_unapplied_cash') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

final as (
    select
        {{ dbt.hash("unapplied.payment_id || '|' || unapplied.reason") }} as unapplied_cash_id,
        unapplied.payment_id,
        unapplied.payment_source,
        unapplied.customer_id,
        unapplied.amount,
        unapplied.currency,
        unapplied.payment_date,
        unapplied.reason,
        payments.payer_name,
        payments.payer_iban,
        payments.remittance_text,
        payments.structured_reference,
        payments.receiving_account_iban
    from unapplied
    inner join payments
        on unapplied.payment_id = payments.payment_id
)

select * from final

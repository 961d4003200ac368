-- One row per bank or ERP payment applied to an invoice on a day (reversals of returned
-- payments are negative rows of their own, dated the return).
with

applications as (
    select * from {{ ref('int_payment_applications') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

final as (
    select
        {{ dbt.hash("applications.payment_id || '|' || applications.document_id || '|' || applications.match_method") }}
            as payment_match_id,
        applications.payment_id,
        applications.payment_source,
        applications.document_id,
        applications.customer_id,
        applications.applied_amount,
        applications.currency,
        applications.applied_date,
        applications.match_method,
        applications.confidence,
        applications.match_method = 'return_reversal' as is_reversal,
        payments.payment_date,
        payments.customer_id as payer_customer_id,
        payments.payer_name
    from applications
    inner join payments
        on applications.payment_id = payments.payment_id
)

select * from final

-- The posted credit-note ledger (int_credit_note_applications_posted) as known on the
-- as-of date: the set-offs posted by then (posting_date <= as-of date), netted. Same
-- columns as the proposal int_credit_note_applications, so document movements read the
-- ledger the way they read the proposal.
with

posted as (
    select * from {{ ref('int_credit_note_applications_posted') }}
    where posting_date <= {{ as_of_date() }}
),

final as (
    select
        credit_note_id,
        document_id,
        customer_id,
        payment_id,
        cast(sum(amount) as decimal(18, 2)) as applied_amount,
        currency,
        applied_date,
        application_method,
        confidence
    from posted
    group by
        credit_note_id,
        document_id,
        customer_id,
        payment_id,
        currency,
        applied_date,
        application_method,
        confidence
    having sum(amount) <> 0
)

select * from final

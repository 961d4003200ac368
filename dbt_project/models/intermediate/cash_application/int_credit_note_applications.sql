-- One row per (credit note, invoice, application method): what a credit note took off
-- an invoice. Step 1 (credit_note_linked): the invoice the credit note names, on its
-- issue date (int_credit_notes_applied_linked). Step 2: what is still open of a credit
-- note, where a payer deducted it from a payment (credit_note_named,
-- credit_note_amount; int_credit_notes_deducted), on the payment's date. What neither
-- step applies stays a negative open item.
with

linked as (
    select * from {{ ref('int_credit_notes_applied_linked') }}
),

deducted as (
    select * from {{ ref('int_credit_notes_deducted') }}
),

final as (
    select
        credit_note_id,
        document_id,
        customer_id,
        cast(null as varchar) as payment_id,
        applied_amount,
        currency,
        applied_date,
        'credit_note_linked' as application_method,
        {{ cash_confidence('credit_note_linked') }} as confidence
    from linked

    union all

    select
        credit_note_id,
        document_id,
        customer_id,
        payment_id,
        applied_amount,
        currency,
        applied_date,
        application_method,
        confidence
    from deducted
)

select * from final

-- Every booked bank credit in the shape of int_payments_unioned, whatever its date: the
-- input of the per-payment text parsing (int_payment_references_parsed), which does not
-- depend on the as-of date and so is done once per payment, not once per build.
-- int_payments_unioned takes the credits booked by the as-of date from here.
{{ config(materialized='view') }}

with

bank_transactions as (
    select * from {{ ref('stg_bank__transactions') }}
),

final as (
    select
        bank_transaction_id as payment_id,
        'bank' as payment_source,
        booking_date as payment_date,
        value_date,
        cast(amount as decimal(18, 2)) as amount,
        upper(currency) as currency,
        cast(null as varchar) as erp_customer_id,
        cast(null as varchar) as erp_document_id,
        counterparty_name as payer_name,
        counterparty_iban as payer_iban,
        remittance_text,
        structured_reference,
        nullif(upper(end_to_end_id), 'NOTPROVIDED') as end_to_end_id,
        account_iban as receiving_account_iban,
        coalesce(is_return, false) as is_returned_outgoing,
        file_seq
    from bank_transactions
    where direction = 'credit'
)

select * from final

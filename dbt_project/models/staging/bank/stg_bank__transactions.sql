with

-- as known on the as-of date (a statement that arrived later is not read for an earlier day)
source as (
    select * from {{ source('raw', 'bank__transactions') }}
    where _file_seq <= {{ known_file_seq() }}
),

final as (
    select
        account_iban || ':' || bank_reference as bank_transaction_id,
        account_iban,
        statement_id,
        booking_date,
        value_date,
        amount,
        currency,
        direction,
        is_return,
        bank_reference,
        entry_ref,
        nullif(end_to_end_id, '') as end_to_end_id,
        nullif(trim(counterparty_name), '') as counterparty_name,
        nullif(upper(replace(counterparty_iban, ' ', '')), '') as counterparty_iban,
        nullif(trim(remittance_text), '') as remittance_text,
        nullif(upper(replace(structured_reference, ' ', '')), '') as structured_reference,
        bank_tx_code,
        return_reason,
        entry_index,
        tx_index,
        entry_amount,
        source_format,
        -- a booking the parser loaded whole for a person to apply (camt batch entries
        -- whose transactions cannot stand alone): its reason
        nullif(trim(review_reason), '') as review_reason,
        source_file,
        _file_seq as file_seq
    from source
)

select * from final

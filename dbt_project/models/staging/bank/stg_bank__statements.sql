with

source as (
    select * from {{ source('raw', 'bank__statements') }}
),

final as (
    select
        account_iban,
        statement_id,
        currency,
        opening_balance as opening_balance_amount,
        closing_balance as closing_balance_amount,
        opening_date,
        closing_date,
        entries as entry_count,
        credit_total as credit_total_amount,
        debit_total as debit_total_amount,
        source_format,
        source_file
    from source
)

select * from final

-- One row per incoming bank credit that was returned (a direct debit bounced, a transfer
-- recalled): the return debit booked on or before the as-of date that reverses it. A
-- return matches the most recent earlier credit on the same account with the same
-- end-to-end id; failing that, the most recent earlier credit from the same counterparty
-- IBAN with the same amount and currency. A credit is reversed by at most one return
-- (the earliest that picks it).
with

bank_transactions as (
    select * from {{ ref('stg_bank__transactions') }}
),

returns as (
    select
        bank_transaction_id as return_transaction_id,
        account_iban,
        booking_date as returned_date,
        cast(amount as decimal(18, 2)) as return_amount,
        upper(currency) as currency,
        nullif(upper(end_to_end_id), 'NOTPROVIDED') as end_to_end_id,
        counterparty_iban
    from bank_transactions
    where direction = 'debit'
        and is_return
        and booking_date <= {{ as_of_date() }}
),

credits as (
    select
        bank_transaction_id as payment_id,
        account_iban,
        booking_date as payment_date,
        cast(amount as decimal(18, 2)) as amount,
        upper(currency) as currency,
        nullif(upper(end_to_end_id), 'NOTPROVIDED') as end_to_end_id,
        counterparty_iban
    from bank_transactions
    where direction = 'credit'
        and not coalesce(is_return, false)
        and booking_date <= {{ as_of_date() }}
),

by_end_to_end_id as (
    select
        returns.return_transaction_id,
        credits.payment_id,
        1 as match_priority,
        credits.payment_date,
        returns.returned_date,
        least(returns.return_amount, credits.amount) as returned_amount
    from returns
    inner join credits
        on returns.account_iban = credits.account_iban
        and returns.end_to_end_id = credits.end_to_end_id
        and returns.currency = credits.currency
    where credits.payment_date <= returns.returned_date
),

by_counterparty_and_amount as (
    select
        returns.return_transaction_id,
        credits.payment_id,
        2 as match_priority,
        credits.payment_date,
        returns.returned_date,
        returns.return_amount as returned_amount
    from returns
    inner join credits
        on returns.counterparty_iban = credits.counterparty_iban
        and returns.return_amount = credits.amount
        and returns.currency = credits.currency
    where credits.payment_date <= returns.returned_date
),

candidates as (
    select * from by_end_to_end_id
    union all
    select * from by_counterparty_and_amount
),

best_credit_per_return as (
    select
        *,
        row_number() over (
            partition by return_transaction_id
            order by match_priority, payment_date desc, payment_id desc
        ) as credit_rank
    from candidates
),

first_return_per_credit as (
    select
        *,
        row_number() over (
            partition by payment_id
            order by returned_date, return_transaction_id
        ) as return_rank
    from best_credit_per_return
    where credit_rank = 1
),

final as (
    select
        payment_id,
        return_transaction_id,
        returned_date,
        cast(returned_amount as decimal(18, 2)) as returned_amount,
        case match_priority
            when 1 then 'end_to_end_id'
            else 'counterparty_iban_amount'
        end as return_matched_by
    from first_return_per_credit
    where return_rank = 1
)

select * from final

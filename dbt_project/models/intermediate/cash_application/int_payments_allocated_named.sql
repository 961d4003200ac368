-- One row per allocation of a payment that validly names invoices (routes named and
-- named_returned): applied parts (document_id set) as int_named_claims_settled settled
-- them, and unapplied parts: what exceeds the named invoices (overpayment; or
-- document_already_settled when credit notes had already settled them completely), and
-- what earlier payments or credit notes had already taken of them
-- (document_already_settled).
with

settled as (
    select * from {{ ref('int_named_claims_settled') }}
),

payment_rows as (
    select *
    from settled
    where consumer_type = 'payment'
),

applied as (
    select
        consumer_id as payment_id,
        document_id,
        settled_amount as amount,
        greatest(consumer_date, issue_date) as applied_date,
        match_method,
        confidence,
        cast(null as varchar) as unapplied_reason
    from payment_rows
    where settled_amount > 0
),

per_payment as (
    select
        consumer_id as payment_id,
        max(consumer_date) as payment_date,
        max(consumer_amount) as amount,
        sum(expected_amount) as expected_amount,
        sum(wanted_amount) as wanted_amount,
        sum(settled_amount) as settled_amount
    from payment_rows
    group by consumer_id
),

unapplied as (
    select
        payment_id,
        cast(null as varchar) as document_id,
        amount - wanted_amount as amount,
        payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        case when expected_amount = 0 then 'document_already_settled' else 'overpayment' end
            as unapplied_reason
    from per_payment
    where amount > wanted_amount

    union all

    select
        payment_id,
        cast(null as varchar) as document_id,
        wanted_amount - settled_amount as amount,
        payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        'document_already_settled' as unapplied_reason
    from per_payment
    where wanted_amount > settled_amount
),

final as (
    select
        payment_id,
        document_id,
        cast(amount as decimal(18, 2)) as amount,
        applied_date,
        match_method,
        confidence,
        unapplied_reason
    from applied

    union all

    select
        payment_id,
        document_id,
        cast(amount as decimal(18, 2)) as amount,
        applied_date,
        match_method,
        confidence,
        unapplied_reason
    from unapplied
)

select * from final

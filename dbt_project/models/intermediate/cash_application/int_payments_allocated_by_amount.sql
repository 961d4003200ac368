-- One row per allocation of a payment whose payer is known but which names no invoice
-- (route by_amount), by its amount alone: applied parts (document_id set) where exactly
-- one set of one to four of the payer's open invoices (same currency, issued by the
-- payment date, the subset_max_items most recently due of those still open after the
-- standing payments of the posted ledger, named payments and the credit notes issued by
-- the payment date) adds up to the amount to the
-- cent; an unapplied part with reason ambiguous_amount where more than one set fits
-- (never a guess). Two rounds approximate "in payment order": a payment whose set
-- overlaps the set of an earlier payment, or that was ambiguous, is tried again without
-- the invoices the first round settled. A third round takes round amounts: a payment that
-- fits no set but is exactly one open item rounded up to the next 10 or 100 settles that
-- item (amount_rounded); the surplus is an overpayment.
-- Payments that fit nothing get no row here and go to FIFO (int_payments_allocated_fifo),
-- unless they name another customer's invoice or one in another currency: then they stay
-- unapplied (named_document_other_customer, currency_mismatch).
-- The surplus of a payment that named invoices (an overpayment in
-- int_payments_allocated_named, typically a further invoice named with a typo) is tried
-- the same way (rounds one and two) when the payer is known and every invoice it named
-- was untouched by earlier payments and settled in full: what fits is applied here and
-- int_payment_allocations takes it off the overpayment; the rest stays overpayment.
with

payments as (
    select * from {{ ref('int_payments_to_allocate') }}
),

invoices as (
    {{ cash_invoices_to_allocate() }}
),

settled as (
    select * from {{ ref('int_named_claims_settled') }}
),

named as (
    select * from {{ ref('int_payments_allocated_named') }}
),

amount_payments as (
    select
        payment_id,
        payment_date,
        amount,
        currency,
        customer_id,
        identified_by,
        names_other_customer_document,
        names_other_currency_document,
        false as is_named_surplus
    from payments
    where allocation_route = 'by_amount'

    union all

    select
        payments.payment_id,
        payments.payment_date,
        named.amount,
        payments.currency,
        payments.customer_id,
        payments.identified_by,
        false as names_other_customer_document,
        false as names_other_currency_document,
        true as is_named_surplus
    from named
    inner join payments
        on named.payment_id = payments.payment_id
    where named.unapplied_reason = 'overpayment'
        and payments.allocation_route = 'named'
        and payments.customer_id is not null
        -- only a clean surplus: every invoice named was untouched by earlier payments
        -- and settled in full, so the surplus is money meant for something else
        and payments.payment_id not in (
            select consumer_id
            from settled
            where consumer_type = 'payment'
                and (paid_before_amount > 0 or settled_amount < wanted_amount)
        )
),

named_applied as (
    select
        document_id,
        sum(settled_amount) as applied_amount
    from settled
    where consumer_type = 'payment'
        and allocation_route = 'named'
    group by document_id
),

credit_notes_reserved as (
    select
        document_id,
        consumer_date as issue_date,
        settled_amount
    from settled
    where consumer_type = 'credit_note'
        and settled_amount > 0
),

open_invoices as (
    select
        invoices.document_id,
        invoices.customer_id,
        invoices.currency,
        invoices.issue_date,
        invoices.due_date,
        invoices.gross_amount - coalesce(named_applied.applied_amount, 0) as open_amount
    from invoices
    left join named_applied
        on invoices.document_id = named_applied.document_id
    where invoices.gross_amount - coalesce(named_applied.applied_amount, 0) > 0
),

-- the payer's items as they stood on the payment date: credit notes issued later do
-- not reduce them yet
payment_items as (
    select
        pairs.payment_id,
        pairs.payment_date,
        pairs.amount,
        pairs.document_id,
        pairs.due_date,
        pairs.open_amount - coalesce(sum(credit_notes_reserved.settled_amount), 0) as open_amount
    from (
        select
            amount_payments.payment_id,
            amount_payments.payment_date,
            amount_payments.amount,
            open_invoices.document_id,
            open_invoices.due_date,
            open_invoices.open_amount
        from amount_payments
        inner join open_invoices
            on amount_payments.customer_id = open_invoices.customer_id
            and amount_payments.currency = open_invoices.currency
            and open_invoices.issue_date <= amount_payments.payment_date
    ) as pairs
    left join credit_notes_reserved
        on pairs.document_id = credit_notes_reserved.document_id
        and credit_notes_reserved.issue_date <= pairs.payment_date
    group by
        pairs.payment_id, pairs.payment_date, pairs.amount, pairs.document_id,
        pairs.due_date, pairs.open_amount
),

round1_candidates as (
    select *
    from (
        select
            payment_id,
            amount,
            document_id,
            open_amount,
            row_number() over (
                partition by payment_id
                order by due_date desc, document_id desc
            ) as item_rank
        from payment_items
        where open_amount > 0
            and open_amount <= amount
    ) as ranked
    where item_rank <= {{ cash_parameter('subset_max_items') }}
),

{{ cash_subset_search_ctes('round1', 'round1_candidates') }},

round1_contested as (
    select
        round1_unique.*,
        row_number() over (
            partition by round1_unique.document_id
            order by amount_payments.payment_date, amount_payments.payment_id
        ) as claim_order
    from round1_unique
    inner join amount_payments
        on round1_unique.payment_id = amount_payments.payment_id
),

round1_losers as (
    select distinct payment_id
    from round1_contested
    where claim_order > 1
),

round1_winners as (
    select *
    from round1_contested
    where payment_id not in (select payment_id from round1_losers)
),

round2_payments as (
    select payment_id
    from round1_counts
    where subset_count > 1
    union
    select payment_id
    from round1_losers
),

round2_candidates as (
    select *
    from (
        select
            payment_items.payment_id,
            payment_items.amount,
            payment_items.document_id,
            payment_items.open_amount,
            row_number() over (
                partition by payment_items.payment_id
                order by payment_items.due_date desc, payment_items.document_id desc
            ) as item_rank
        from payment_items
        inner join round2_payments
            on payment_items.payment_id = round2_payments.payment_id
        where payment_items.open_amount > 0
            and payment_items.open_amount <= payment_items.amount
            and payment_items.document_id not in (select document_id from round1_winners)
    ) as ranked
    where item_rank <= {{ cash_parameter('subset_max_items') }}
),

{{ cash_subset_search_ctes('round2', 'round2_candidates') }},

round2_contested as (
    select
        round2_unique.*,
        row_number() over (
            partition by round2_unique.document_id
            order by amount_payments.payment_date, amount_payments.payment_id
        ) as claim_order
    from round2_unique
    inner join amount_payments
        on round2_unique.payment_id = amount_payments.payment_id
),

round2_winners as (
    select *
    from round2_contested
    where payment_id not in (select payment_id from round2_contested where claim_order > 1)
),

-- round amounts: the one candidate the payment rounds up to the next 10 or 100
round3_candidates as (
    select
        round1_candidates.payment_id,
        round1_candidates.document_id,
        round1_candidates.open_amount,
        count(*) over (partition by round1_candidates.payment_id) as fitting_items
    from round1_candidates
    inner join round1_counts
        on round1_candidates.payment_id = round1_counts.payment_id
        and round1_counts.subset_count = 0
    inner join amount_payments
        on round1_candidates.payment_id = amount_payments.payment_id
        and not amount_payments.is_named_surplus
    where round1_candidates.open_amount < round1_candidates.amount
        and (
            ceil(round1_candidates.open_amount / 10) * 10 = round1_candidates.amount
            or ceil(round1_candidates.open_amount / 100) * 100 = round1_candidates.amount
        )
        and round1_candidates.document_id not in (select document_id from round1_winners)
        and round1_candidates.document_id not in (select document_id from round2_winners)
),

round3_contested as (
    select
        round3_candidates.payment_id,
        round3_candidates.document_id,
        round3_candidates.open_amount,
        row_number() over (
            partition by round3_candidates.document_id
            order by amount_payments.payment_date, amount_payments.payment_id
        ) as claim_order
    from round3_candidates
    inner join amount_payments
        on round3_candidates.payment_id = amount_payments.payment_id
    where round3_candidates.fitting_items = 1
),

round3_winners as (
    select
        payment_id,
        document_id,
        0 as subset_size,
        open_amount as applied_amount
    from round3_contested
    where claim_order = 1
),

winners as (
    select payment_id, document_id, subset_size, applied_amount from round1_winners
    union all
    select payment_id, document_id, subset_size, applied_amount from round2_winners
    union all
    select payment_id, document_id, subset_size, applied_amount from round3_winners
),

ambiguous as (
    select round2_payments.payment_id
    from round2_payments
    left join round2_counts
        on round2_payments.payment_id = round2_counts.payment_id
    where round2_payments.payment_id not in (select payment_id from round2_winners)
        and (
            round2_counts.subset_count > 1
            or round2_payments.payment_id in (select payment_id from round2_contested)
            or round2_payments.payment_id not in (select payment_id from round1_losers)
        )
),

applied as (
    select
        winners.payment_id,
        winners.document_id,
        winners.applied_amount as amount,
        amount_payments.payment_date as applied_date,
        case
            when winners.subset_size = 0 then 'amount_rounded'
            when winners.subset_size > 1 then 'amount_subset'
            when amount_payments.identified_by in ('iban', 'learned_iban') then 'amount_iban'
            when amount_payments.identified_by in ('customer_reference', 'document')
                then 'amount_customer_reference'
            else 'amount_name'
        end as match_method,
        cast(
            case
                when amount_payments.identified_by in ('iban', 'learned_iban')
                    then {{ cash_confidence('amount_iban') }}
                when amount_payments.identified_by in ('customer_reference', 'document')
                    then {{ cash_confidence('amount_customer_reference') }}
                else {{ cash_confidence('amount_name') }}
            end
            - case
                when winners.subset_size = 0 then {{ cash_confidence('amount_rounded_discount') }}
                when winners.subset_size > 1 then {{ cash_confidence('amount_subset_discount') }}
                else 0
            end
            as decimal(3, 2)
        ) as confidence,
        cast(null as varchar) as unapplied_reason
    from winners
    inner join amount_payments
        on winners.payment_id = amount_payments.payment_id
),

unapplied as (
    select
        amount_payments.payment_id,
        cast(null as varchar) as document_id,
        amount_payments.amount,
        amount_payments.payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        'ambiguous_amount' as unapplied_reason
    from amount_payments
    inner join ambiguous
        on amount_payments.payment_id = ambiguous.payment_id
    where not amount_payments.is_named_surplus

    union all

    select
        amount_payments.payment_id,
        cast(null as varchar) as document_id,
        amount_payments.amount - round3_winners.applied_amount as amount,
        amount_payments.payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        'overpayment' as unapplied_reason
    from amount_payments
    inner join round3_winners
        on amount_payments.payment_id = round3_winners.payment_id

    union all

    select
        payment_id,
        cast(null as varchar) as document_id,
        amount,
        payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        case
            when names_other_customer_document then 'named_document_other_customer'
            else 'currency_mismatch'
        end as unapplied_reason
    from amount_payments
    where (names_other_customer_document or names_other_currency_document)
        and payment_id not in (select payment_id from winners)
        and payment_id not in (select payment_id from ambiguous)
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

-- One row per (consumer, invoice) of everything that names an invoice explicitly:
-- payments decided today (int_payments_to_allocate) with a valid claim (routes named and
-- named_returned) and credit notes linked to their invoice. An invoice's gross amount is
-- here what the standing payments of the posted ledger left of it. Each invoice serves its consumers in time order (date; on the same
-- day payments before credit notes; then id), each up to what the earlier ones left of
-- its gross amount (settled_amount). A payment naming several invoices first spreads
-- over them oldest due first, each up to what the payment may expect of it
-- (wanted_amount). What it may expect is found in two passes: first the gross amount
-- less the credit notes issued by the payment date; then the gross amount less what the
-- first pass settled for the consumers before it, so a payment naming invoices that
-- earlier payments settled in part fills each with its remaining amount.
-- Credits returned in full (named_returned) get what they want without taking anything
-- from others: their return reverses them. The credit notes' settled amounts here are
-- provisional (they reserve capacity for the amount and FIFO steps);
-- int_credit_note_applications has the final ones.
with

payments as (
    select * from {{ ref('int_payments_to_allocate') }}
),

claims as (
    select * from {{ ref('int_payment_documents_claimed') }}
),

invoices as (
    {{ cash_invoices_to_allocate() }}
),

credit_notes as (
    select * from {{ ref('int_credit_notes_linked') }}
),

named_claims as (
    select
        payments.payment_id as consumer_id,
        payments.allocation_route,
        payments.payment_date as consumer_date,
        payments.amount as consumer_amount,
        invoices.document_id,
        invoices.issue_date,
        invoices.due_date,
        invoices.gross_amount,
        claims.match_method,
        claims.confidence
    from claims
    inner join payments
        on claims.payment_id = payments.payment_id
    inner join invoices
        on claims.document_id = invoices.document_id
    where claims.claim_status = 'valid'
        and payments.allocation_route in ('named', 'named_returned')
),

credited_by_payment_date as (
    select
        named_claims.consumer_id,
        named_claims.document_id,
        sum(credit_notes.credit_amount) as credited_amount
    from named_claims
    inner join credit_notes
        on named_claims.document_id = credit_notes.document_id
        and credit_notes.issue_date <= named_claims.consumer_date
    group by named_claims.consumer_id, named_claims.document_id
),

credit_note_consumers as (
    select
        'credit_note' as consumer_type,
        credit_notes.credit_note_id as consumer_id,
        cast(null as varchar) as allocation_route,
        credit_notes.document_id,
        credit_notes.issue_date as consumer_date,
        1 as same_day_rank,
        credit_notes.credit_amount as consumer_amount,
        credit_notes.credit_amount as expected_amount,
        credit_notes.credit_amount as wanted_amount,
        'credit_note' as match_method,
        cast(null as decimal(3, 2)) as confidence,
        invoices.issue_date,
        invoices.gross_amount
    from credit_notes
    inner join invoices
        on credit_notes.document_id = invoices.document_id
),

-- pass 1: expect the gross amount less credit notes issued by the payment date
pass1_expected as (
    select
        named_claims.*,
        greatest(named_claims.gross_amount - coalesce(credited.credited_amount, 0), 0)
            as expected_amount
    from named_claims
    left join credited_by_payment_date as credited
        on named_claims.consumer_id = credited.consumer_id
        and named_claims.document_id = credited.document_id
),

{{ cash_named_queue_ctes('pass1', 'pass1_expected', 'credit_note_consumers') }},

-- pass 2: expect what pass 1 left for this payment after the consumers before it
-- (a credit returned in full competes with nobody: it keeps its pass-1 expectation)
pass2_expected as (
    select
        named_claims.*,
        case
            when named_claims.allocation_route = 'named_returned' then pass1_settled.expected_amount
            else greatest(named_claims.gross_amount - pass1_settled.settled_before, 0)
        end as expected_amount
    from named_claims
    inner join pass1_settled
        on named_claims.consumer_id = pass1_settled.consumer_id
        and named_claims.document_id = pass1_settled.document_id
        and pass1_settled.consumer_type = 'payment'
),

{{ cash_named_queue_ctes('pass2', 'pass2_expected', 'credit_note_consumers') }},

final as (
    select
        pass2_settled.consumer_type,
        pass2_settled.consumer_id,
        pass2_settled.allocation_route,
        pass2_settled.document_id,
        pass2_settled.consumer_date,
        pass2_settled.issue_date,
        pass2_settled.consumer_amount,
        cast(pass2_settled.expected_amount as decimal(18, 2)) as expected_amount,
        cast(pass2_settled.wanted_amount as decimal(18, 2)) as wanted_amount,
        cast(pass2_settled.settled_amount as decimal(18, 2)) as settled_amount,
        -- what payments took before this one: the day's earlier ones and the standing ones
        cast(pass2_settled.paid_before + case
            when pass2_settled.consumer_type = 'payment' then coalesce(invoices.held_amount, 0)
            else 0
        end as decimal(18, 2)) as paid_before_amount,
        pass2_settled.match_method,
        pass2_settled.confidence
    from pass2_settled
    left join invoices
        on pass2_settled.document_id = invoices.document_id
)

select * from final

-- The posted credit-note ledger: each credit note's set-off against an invoice
-- (int_credit_note_applications, the proposal recomputed every day) is posted once, on
-- the day it is first known, and then kept, like the cash ledger
-- (int_payment_allocations_posted, which it follows in the run: a set-off is posted after
-- the day's payments, so it takes only what they leave of an invoice). Insert-only;
-- full_refresh is refused.
--
-- What a run for the as-of date D adds, all with posted_on = D (only the latest day
-- posts; a re-run of it replaces its own rows):
--   opening             the ledger's first run takes over history: the proposal as it is,
--                       dated the day the set-off was made (its applied_date, never before
--                       the invoice's issue date)
--   posted              a set-off not posted before (credit note, invoice, method,
--                       payment): the proposal, except that no invoice receives more than
--                       its gross amount less the payments it holds and the set-offs
--                       posted on it, and no credit note gives more than its amount; what
--                       is cut stays open on the credit note (a negative open item)
--   retry               a posted set-off for which today's proposal applies more (a
--                       payment was reversed, the invoice is open again): the difference,
--                       within the same limits
--   source_changed      a credit note whose amount or named invoice changed in the ERP
--                       since it was posted, or that the ERP no longer has: its set-offs
--                       are reversed (negated), and it is posted again as `posted`
--   payment_taken_back  a set-off a payer made by deducting the credit note from a payment
--                       (credit_note_named, credit_note_amount) whose payment no longer
--                       holds on that invoice (returned, reversed, cleared by the ERP):
--                       taken back, and that set-off is never posted again
-- Consumers read it as of a date through int_credit_note_applications_as_of.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
    pre_hook=cash_ledger_pre_hook()
) }}

{%- set columns = [
    'credit_note_id', 'document_id', 'customer_id', 'payment_id', 'amount', 'currency',
    'applied_date', 'application_method', 'confidence', 'credit_note_amount',
    'credit_note_applies_to'
] %}

with

credit_notes as (
    select
        document_id as credit_note_id,
        gross_amount as credit_note_amount,
        applies_to_document_id as credit_note_applies_to
    from {{ ref('stg_erp__documents') }}
    where document_type = 'credit_note'
),

proposed as (
    select
        proposal.credit_note_id,
        proposal.document_id,
        proposal.customer_id,
        proposal.payment_id,
        proposal.applied_amount as amount,
        proposal.currency,
        proposal.applied_date,
        proposal.application_method,
        proposal.confidence,
        credit_notes.credit_note_amount,
        credit_notes.credit_note_applies_to
    from {{ ref('int_credit_note_applications') }} as proposal
    inner join credit_notes
        on proposal.credit_note_id = credit_notes.credit_note_id
),

invoices as (
    select
        document_id,
        issue_date,
        gross_amount
    from {{ ref('int_invoices_keyed') }}
),

posted as (
    {{ cash_ledger_posted(columns, 'proposed') }}
),

ledger as (
    {{ cash_ledger_state() }}
),

-- what payments hold on each invoice, and each payment on each invoice, after today's
-- cash postings (returns, reversals and ERP clearings included), read for the invoices
-- set-offs touch (proposed or posted) only: the others are never joined
set_off_documents as (
    select document_id from proposed
    union
    select document_id from posted
),

payment_applications as (
    select payment_applications.*
    from {{ ref('int_payment_applications') }} as payment_applications
    inner join set_off_documents
        on payment_applications.document_id = set_off_documents.document_id
),

payments_held as (
    select
        document_id,
        sum(applied_amount) as held_amount
    from payment_applications
    group by document_id
),

payment_pairs_held as (
    select
        payment_id,
        document_id,
        sum(applied_amount) as held_amount
    from payment_applications
    group by payment_id, document_id
),

-- the credit note as the ledger last posted it, against the ERP today
credit_notes_posted as (
    select
        credit_note_id,
        arg_max(credit_note_amount, posted_on) as credit_note_amount,
        arg_max(credit_note_applies_to, posted_on) as credit_note_applies_to
    from posted
    where posting_kind in ('opening', 'posted')
    group by credit_note_id
),

changed as (
    select credit_notes_posted.credit_note_id
    from credit_notes_posted
    left join credit_notes
        on credit_notes_posted.credit_note_id = credit_notes.credit_note_id
    where credit_notes.credit_note_id is null
        or credit_notes.credit_note_amount <> credit_notes_posted.credit_note_amount
        or coalesce(credit_notes.credit_note_applies_to, '')
        <> coalesce(credit_notes_posted.credit_note_applies_to, '')
),

-- each posted set-off, netted; the key of a set-off is (credit note, invoice, method,
-- payment)
posted_keys as (
    select
        credit_note_id,
        document_id,
        application_method,
        payment_id,
        any_value(customer_id) as customer_id,
        any_value(currency) as currency,
        any_value(applied_date) as applied_date,
        any_value(confidence) as confidence,
        any_value(credit_note_amount) as credit_note_amount,
        any_value(credit_note_applies_to) as credit_note_applies_to,
        sum(amount) as posted_amount,
        bool_or(posting_kind = 'payment_taken_back') as was_taken_back
    from posted
    group by credit_note_id, document_id, application_method, payment_id
),

source_reversals as (
    select
        posted_keys.credit_note_id,
        posted_keys.document_id,
        posted_keys.customer_id,
        posted_keys.payment_id,
        -posted_keys.posted_amount as amount,
        posted_keys.currency,
        posted_keys.applied_date,
        posted_keys.application_method,
        posted_keys.confidence,
        posted_keys.credit_note_amount,
        posted_keys.credit_note_applies_to,
        'source_changed' as posting_kind
    from posted_keys
    inner join changed
        on posted_keys.credit_note_id = changed.credit_note_id
    where posted_keys.posted_amount <> 0
),

-- set-offs that stand: their credit note unchanged
standing as (
    select posted_keys.*
    from posted_keys
    left join changed
        on posted_keys.credit_note_id = changed.credit_note_id
    where changed.credit_note_id is null
),

taken_back as (
    select
        standing.credit_note_id,
        standing.document_id,
        standing.customer_id,
        standing.payment_id,
        -standing.posted_amount as amount,
        standing.currency,
        standing.applied_date,
        standing.application_method,
        standing.confidence,
        standing.credit_note_amount,
        standing.credit_note_applies_to,
        'payment_taken_back' as posting_kind
    from standing
    left join payment_pairs_held
        on standing.payment_id = payment_pairs_held.payment_id
        and standing.document_id = payment_pairs_held.document_id
    where standing.payment_id is not null
        and standing.posted_amount > 0
        and coalesce(payment_pairs_held.held_amount, 0) <= 0
),

-- what standing set-offs hold once today's take-backs are done
held_keys as (
    select
        standing.credit_note_id,
        standing.document_id,
        standing.application_method,
        standing.payment_id,
        standing.posted_amount + coalesce(taken_back.amount, 0) as held_amount,
        standing.was_taken_back or taken_back.credit_note_id is not null as is_taken_back
    from standing
    left join taken_back
        on standing.credit_note_id = taken_back.credit_note_id
        and standing.document_id = taken_back.document_id
        and standing.application_method = taken_back.application_method
        and standing.payment_id is not distinct from taken_back.payment_id
),

set_off_per_invoice as (
    select
        document_id,
        sum(held_amount) as held_amount
    from held_keys
    group by document_id
),

set_off_per_credit_note as (
    select
        credit_note_id,
        sum(held_amount) as held_amount
    from held_keys
    group by credit_note_id
),

claims as (
    select
        proposed.*,
        'posted' as posting_kind
    from proposed
    left join held_keys
        on proposed.credit_note_id = held_keys.credit_note_id
        and proposed.document_id = held_keys.document_id
        and proposed.application_method = held_keys.application_method
        and proposed.payment_id is not distinct from held_keys.payment_id
    where held_keys.credit_note_id is null

    union all

    select
        proposed.* replace (proposed.amount - held_keys.held_amount as amount),
        'retry' as posting_kind
    from proposed
    inner join held_keys
        on proposed.credit_note_id = held_keys.credit_note_id
        and proposed.document_id = held_keys.document_id
        and proposed.application_method = held_keys.application_method
        and proposed.payment_id is not distinct from held_keys.payment_id
    where not held_keys.is_taken_back
        and proposed.amount > held_keys.held_amount
),

-- no invoice beyond its gross less payments and set-offs, no credit note beyond its
-- amount; earlier claims first (issue order of the credit notes, as the proposal)
capped as (
    select
        claims.*,
        case
            when ledger.is_opening then claims.amount
            else least(
                claims.amount,
                {{ cash_room_left(
                    'coalesce(invoices.gross_amount, 0) - coalesce(payments_held.held_amount, 0)
                    - coalesce(set_off_per_invoice.held_amount, 0)',
                    'claims.amount',
                    'claims.document_id',
                    'claims.applied_date, claims.credit_note_id, claims.application_method,
                    claims.payment_id') }},
                {{ cash_room_left(
                    'claims.credit_note_amount - coalesce(set_off_per_credit_note.held_amount, 0)',
                    'claims.amount',
                    'claims.credit_note_id',
                    'claims.applied_date, claims.document_id, claims.application_method,
                    claims.payment_id') }}
            )
        end as posted_amount
    from claims
    cross join ledger
    left join invoices
        on claims.document_id = invoices.document_id
    left join payments_held
        on claims.document_id = payments_held.document_id
    left join set_off_per_invoice
        on claims.document_id = set_off_per_invoice.document_id
    left join set_off_per_credit_note
        on claims.credit_note_id = set_off_per_credit_note.credit_note_id
),

postings as (
    select * from source_reversals
    union all
    select * from taken_back
    union all
    select
        credit_note_id,
        document_id,
        customer_id,
        payment_id,
        posted_amount as amount,
        currency,
        applied_date,
        application_method,
        confidence,
        credit_note_amount,
        credit_note_applies_to,
        posting_kind
    from capped
    where posted_amount > 0
),

final as (
    select
        postings.credit_note_id,
        postings.document_id,
        postings.customer_id,
        postings.payment_id,
        cast(postings.amount as decimal(18, 2)) as amount,
        postings.currency,
        postings.applied_date,
        postings.application_method,
        postings.confidence,
        postings.credit_note_amount,
        postings.credit_note_applies_to,
        case when ledger.is_opening then 'opening' else postings.posting_kind end as posting_kind,
        case
            when ledger.is_opening
                then greatest(postings.applied_date, coalesce(invoices.issue_date, postings.applied_date))
            else {{ as_of_date() }}
        end as posting_date,
        {{ as_of_date() }} as posted_on
    from postings
    cross join ledger
    left join invoices
        on postings.document_id = invoices.document_id
    where ledger.is_latest
)

select * from final

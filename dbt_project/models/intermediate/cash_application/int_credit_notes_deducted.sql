-- Step 2 of credit-note application: one row per (credit note, invoice) a payer set off
-- by paying an invoice short by an open credit note of its own. A credit note is open
-- here when step 1 (int_credit_notes_applied_linked) left some of it; an invoice takes
-- part only with what payments and step 1 left of it, and only through the payment that
-- touched it last (so no invoice is set off twice). Two rules, in this order:
--   credit_note_named   the payment's text names the credit note ("RE-2025-000078
--                       abzgl. GS-2025-000007"; int_payment_references_extracted reads
--                       it as credit_note_number): the named credit notes (in issue
--                       order) fill the payment's short invoices (oldest due first),
--                       two-sided FIFO as in cash_fifo_ctes. The first payment naming a
--                       credit note wins it.
--   credit_note_amount  no credit note named, but an invoice the payment touched is left
--                       open by exactly the open amount of one credit note of the same
--                       customer and currency issued by the payment date — and that
--                       credit note fits no other such invoice: the payer deducted it
--                       without saying so ("Sammelzahlung" = invoice - credit note).
-- Returned payments deduct nothing: the return reverses the payment, so the invoice is
-- open again in full. The set-off is dated the payment's application date.
with

documents as (
    select * from {{ ref('stg_erp__documents') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

payment_applications as (
    select * from {{ ref('int_payment_applications') }}
),

linked_applications as (
    select * from {{ ref('int_credit_notes_applied_linked') }}
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),

payment_references as (
    select * from {{ ref('int_payment_references_extracted') }}
),

linked_per_credit_note as (
    select
        credit_note_id,
        sum(applied_amount) as applied_amount
    from linked_applications
    group by credit_note_id
),

linked_per_invoice as (
    select
        document_id,
        sum(applied_amount) as applied_amount
    from linked_applications
    group by document_id
),

credit_notes_open as (
    select
        documents.document_id as credit_note_id,
        documents.customer_id,
        upper(documents.currency) as currency,
        documents.issue_date,
        documents.gross_amount - coalesce(linked_per_credit_note.applied_amount, 0) as open_amount,
        {{ cash_document_number_key('upper(documents.document_id)') }} as number_key
    from documents
    left join linked_per_credit_note
        on documents.document_id = linked_per_credit_note.credit_note_id
    where documents.document_type = 'credit_note'
        and documents.issue_date <= {{ as_of_date() }}
        and documents.gross_amount - coalesce(linked_per_credit_note.applied_amount, 0) > 0
),

-- only an invoice whose customer has an open credit note in its currency can be set off
-- (both rules pair the two within customer and currency): the payments on the others are
-- not read, so this step follows the open credit notes, not all history
candidate_invoices as (
    select invoices.*
    from invoices
    inner join (select distinct customer_id, currency from credit_notes_open) as crediting
        on invoices.customer_id = crediting.customer_id
        and invoices.currency = crediting.currency
),

candidate_applications as (
    select payment_applications.*
    from payment_applications
    inner join candidate_invoices
        on payment_applications.document_id = candidate_invoices.document_id
),

paid_per_invoice as (
    select
        document_id,
        sum(applied_amount) as paid_amount
    from candidate_applications
    group by document_id
),

-- the payment that touched each invoice last, with what is left of the invoice
last_touch as (
    select *
    from (
        select
            candidate_applications.payment_id,
            candidate_applications.document_id,
            candidate_applications.applied_date,
            row_number() over (
                partition by candidate_applications.document_id
                order by candidate_applications.applied_date desc,
                    candidate_applications.payment_id desc
            ) as touch_rank
        from candidate_applications
        where candidate_applications.applied_amount > 0
    ) as ranked
    where touch_rank = 1
),

short_invoices as (
    select *
    from (
        select
            last_touch.payment_id,
            last_touch.applied_date,
            payments.payment_date,
            payments.returned_amount,
            invoices.document_id,
            invoices.customer_id,
            invoices.currency,
            invoices.due_date,
            invoices.gross_amount
            - coalesce(paid_per_invoice.paid_amount, 0)
            - coalesce(linked_per_invoice.applied_amount, 0) as remaining_amount
        from last_touch
        inner join payments
            on last_touch.payment_id = payments.payment_id
        inner join candidate_invoices as invoices
            on last_touch.document_id = invoices.document_id
        left join paid_per_invoice
            on last_touch.document_id = paid_per_invoice.document_id
        left join linked_per_invoice
            on last_touch.document_id = linked_per_invoice.document_id
    ) as touched
    where returned_amount = 0
        and remaining_amount > 0
),

-- rule 1: credit notes the payment names, each won by the first payment naming it
named as (
    select *
    from (
        select
            payments.payment_id,
            credit_notes_open.credit_note_id,
            credit_notes_open.issue_date,
            credit_notes_open.open_amount,
            row_number() over (
                partition by credit_notes_open.credit_note_id
                order by payments.payment_date, payments.payment_id
            ) as claim_rank
        from (
            select distinct payment_id, reference_value
            from payment_references
            where reference_kind = 'credit_note_number'
        ) as named_numbers
        inner join payments
            on named_numbers.payment_id = payments.payment_id
        inner join credit_notes_open
            on named_numbers.reference_value = credit_notes_open.number_key
        -- the payment left an invoice of the credit note's customer short (a parent
        -- company may pay, and deduct, for its subsidiary)
        where exists (
            select 1
            from short_invoices
            where short_invoices.payment_id = named_numbers.payment_id
                and short_invoices.customer_id = credit_notes_open.customer_id
                and short_invoices.currency = credit_notes_open.currency
        )
    ) as ranked
    where claim_rank = 1
),

named_credit_notes as (
    select
        named.payment_id || '|' || credit_notes_open.customer_id || '|' || credit_notes_open.currency
            as allocation_key,
        named.credit_note_id as payment_id,
        cast(named.issue_date as varchar) || '|' || named.credit_note_id as payment_order,
        named.open_amount as amount
    from named
    inner join credit_notes_open
        on named.credit_note_id = credit_notes_open.credit_note_id
),

named_invoices as (
    select
        payment_id || '|' || customer_id || '|' || currency as allocation_key,
        document_id,
        cast(due_date as varchar) || '|' || document_id as item_order,
        remaining_amount as open_amount
    from short_invoices
),

{{ cash_fifo_ctes('named_fifo', 'named_credit_notes', 'named_invoices') }},

named_applied as (
    select
        named_fifo_applied.payment_id as credit_note_id,
        named_fifo_applied.document_id,
        short_invoices.payment_id,
        named_fifo_applied.applied_amount,
        short_invoices.applied_date,
        'credit_note_named' as application_method,
        {{ cash_confidence('credit_note_named') }} as confidence
    from named_fifo_applied
    inner join short_invoices
        on named_fifo_applied.document_id = short_invoices.document_id
),

-- rule 2: no credit note named, an invoice short by exactly one open credit note
amount_candidates as (
    select
        short_invoices.payment_id,
        short_invoices.document_id,
        short_invoices.applied_date,
        credit_notes_open.credit_note_id,
        count(*) over (partition by short_invoices.document_id) as credit_notes_fitting,
        count(*) over (partition by credit_notes_open.credit_note_id) as invoices_fitting,
        credit_notes_open.open_amount
    from short_invoices
    inner join credit_notes_open
        on short_invoices.customer_id = credit_notes_open.customer_id
        and short_invoices.currency = credit_notes_open.currency
        and short_invoices.remaining_amount = credit_notes_open.open_amount
        and credit_notes_open.issue_date <= short_invoices.payment_date
    where short_invoices.payment_id not in (select payment_id from named)
        and credit_notes_open.credit_note_id not in (select credit_note_id from named)
),

amount_applied as (
    select
        credit_note_id,
        document_id,
        payment_id,
        open_amount as applied_amount,
        applied_date,
        'credit_note_amount' as application_method,
        {{ cash_confidence('credit_note_amount') }} as confidence
    from amount_candidates
    where credit_notes_fitting = 1
        and invoices_fitting = 1
),

final as (
    select
        deducted.credit_note_id,
        deducted.document_id,
        invoices.customer_id,
        deducted.payment_id,
        cast(deducted.applied_amount as decimal(18, 2)) as applied_amount,
        invoices.currency,
        deducted.applied_date,
        deducted.application_method,
        cast(deducted.confidence as decimal(3, 2)) as confidence
    from (
        select * from named_applied
        union all
        select * from amount_applied
    ) as deducted
    inner join invoices
        on deducted.document_id = invoices.document_id
)

select * from final

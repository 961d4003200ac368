-- The posted cash ledger: each payment's allocation (int_payment_allocations, the
-- proposal recomputed every day) is posted once, on the day the payment is first known,
-- and then kept. Rows are only ever added (insert-only; full_refresh is refused), so an
-- allocation that was posted, and dunned on, never moves because a later file arrived.
--
-- The proposal covers only the payments decided on D (int_payments_to_allocate: new,
-- changed, or retried for their open part) against what the standing ones left.
-- What a run for the as-of date D adds, all with posted_on = D. Only the latest day
-- posts: a re-run of the latest day first deletes what it posted, then posts again (a
-- failed or corrected day); a run for a day before the latest posted one adds nothing,
-- since later days built on it, and its marts read the ledger as of that day.
--   opening          the ledger's first run takes over history: the proposal as it is,
--                    each payment's rows dated the day its allocation was complete (its
--                    date, or the issue date of a later invoice it paid): a migration,
--                    so that an earlier as-of date never shows a payment half applied
--   posted           a payment not posted before: the proposal, except that no invoice
--                    receives more than its gross amount less what is already posted on
--                    it; the excess stays unapplied as document_already_settled
--   retry            what is still unapplied of a posted payment, where today's proposal
--                    (of that open part alone, int_payments_to_allocate) applies it to
--                    an invoice (within the same cap): +x on the invoice, -x on the
--                    unapplied parts, reason by reason
--   source_changed   an ERP payment whose amount changed since it was posted: its rows
--                    are reversed (negated), and it is posted again as `posted`
--   erp_cleared_otherwise  a new ERP payment clears an invoice that bank credits hold in
--                    the ledger: the ERP is the book of record, so those credits' postings
--                    on the invoice are taken back, latest first, as far as the ERP payment
--                    needs, and wait as unapplied `erp_cleared_otherwise` (retried on other
--                    invoices, never on this one again)
--   reversal         a reversal a person asked for (app or CLI, ops store; reversal_id,
--                    actor and reason there), posted on the first run on or after its
--                    date: what the payment holds on the invoice is taken off it and
--                    parked as unapplied `reversed` (never retried automatically, and the
--                    pair is never retried again), so the invoice is open again. A
--                    reversal that finds nothing posted is recorded with amount 0.
-- An invoice's room is its gross amount less what standing payments and the credit-note
-- set-offs posted before D (int_credit_note_applications_posted) hold on it.
-- posting_date is D except for the opening. Consumers read the ledger as of a date
-- through int_payment_allocations_as_of (posting_date <= as-of date): what was known then.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
    pre_hook=cash_ledger_pre_hook()
) }}

{%- set columns = cash_allocation_columns() + ['reversal_id'] %}

{#- The set-off ledger runs after this model (it takes what the day's payments leave), so it
    is read as the table the days before wrote, not through ref(), which would be a cycle. -#}
{%- set set_off_ledger = cash_ledger_relation('int_credit_note_applications_posted') %}

with

proposed as (
    select
        {{ columns[:-1] | join(', ') }},
        cast(null as varchar) as reversal_id
    from {{ ref('int_payment_allocations') }}
),

requested_reversals as (
    select * from {{ ref('stg_ops__allocation_reversals') }}
    where posting_date <= {{ as_of_date() }}
),

payments as (
    select
        payment_id,
        amount,
        case when payment_source = 'erp' then erp_document_id end as erp_document_id
    from {{ ref('int_payments') }}
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

posted_totals as (
    select
        payment_id,
        sum(amount) as posted_amount
    from posted
    group by payment_id
),

changed as (
    select posted_totals.payment_id
    from posted_totals
    inner join payments
        on posted_totals.payment_id = payments.payment_id
    where payments.amount <> posted_totals.posted_amount
),

-- posted payments that stand (any posting date: a payment is posted once)
settled as (
    select posted_totals.payment_id
    from posted_totals
    left join changed
        on posted_totals.payment_id = changed.payment_id
    where changed.payment_id is null
),

source_reversals as (
    select
        posted.payment_id,
        posted.payment_source,
        posted.allocation_step,
        posted.document_id,
        -posted.amount as amount,
        posted.currency,
        posted.payment_date,
        posted.applied_date,
        posted.match_method,
        posted.confidence,
        posted.unapplied_reason,
        posted.reversal_id,
        'source_changed' as posting_kind
    from posted
    inner join changed
        on posted.payment_id = changed.payment_id
),

-- reversals not posted yet; of several for one payment and invoice the first reverses,
-- the others find nothing left
reversals_due as (
    select
        requested_reversals.*,
        row_number() over (
            partition by requested_reversals.payment_id, requested_reversals.document_id
            order by requested_reversals.requested_at, requested_reversals.reversal_id
        ) as request_rank
    from requested_reversals
    cross join ledger
    left join (select distinct reversal_id from posted where reversal_id is not null) as done
        on requested_reversals.reversal_id = done.reversal_id
    where done.reversal_id is null
        -- the opening has nothing posted to reverse yet: its reversals wait for the next day
        and not ledger.is_opening
),

reversed_holdings as (
    select
        posted.payment_id,
        posted.payment_source,
        posted.allocation_step,
        posted.document_id,
        sum(posted.amount) as amount,
        posted.currency,
        posted.payment_date,
        posted.applied_date,
        posted.match_method,
        posted.confidence,
        reversals_due.reversal_id
    from posted
    inner join reversals_due
        on posted.payment_id = reversals_due.payment_id
        and posted.document_id = reversals_due.document_id
        and reversals_due.request_rank = 1
    group by all
    having sum(posted.amount) > 0
),

reversal_rows as (
    {{ cash_take_back('reversed_holdings', 'amount', 'reversal', 'reversed', 'reversal_id') }}

    union all

    -- nothing posted to reverse: recorded (amount 0) so that it is done, and visible
    select
        reversals_due.payment_id,
        cast(null as varchar) as payment_source,
        'reversal' as allocation_step,
        reversals_due.document_id,
        cast(0 as decimal(18, 2)) as amount,
        cast(null as varchar) as currency,
        cast(null as date) as payment_date,
        reversals_due.posting_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        'reversed' as unapplied_reason,
        reversals_due.reversal_id,
        'reversal' as posting_kind
    from reversals_due
    left join (select distinct reversal_id from reversed_holdings) as effective
        on reversals_due.reversal_id = effective.reversal_id
    where effective.reversal_id is null
),

-- payments not posted yet; what the proposal leaves of an ERP payment as "invoice already
-- settled" is a clearing of the invoice the ERP names (the ERP is the book of record)
to_post as (
    select
        proposed.* replace (
            case
                when erp_clears.erp_document_id is not null then erp_clears.erp_document_id
                else proposed.document_id
            end as document_id,
            case
                when erp_clears.erp_document_id is not null then 'erp_cleared'
                else proposed.match_method
            end as match_method,
            case
                when erp_clears.erp_document_id is not null then {{ cash_confidence('erp_cleared') }}
                else proposed.confidence
            end as confidence,
            case
                when erp_clears.erp_document_id is not null then null
                else proposed.unapplied_reason
            end as unapplied_reason
        )
    from proposed
    left join settled
        on proposed.payment_id = settled.payment_id
    left join (
        select payments.payment_id, payments.erp_document_id
        from payments
        cross join ledger
        where payments.erp_document_id is not null
            and not ledger.is_opening
    ) as erp_clears
        on proposed.payment_id = erp_clears.payment_id
        and proposed.unapplied_reason = 'document_already_settled'
    where settled.payment_id is null
),

-- what the invoices already hold from payments that stand
document_posted as (
    select
        posted.document_id,
        sum(posted.amount) as posted_amount
    from posted
    inner join settled
        on posted.payment_id = settled.payment_id
    where posted.document_id is not null
    group by posted.document_id
),

-- what credit-note set-offs posted before today hold on each invoice
set_offs_held as (
    {%- if set_off_ledger is not none %}
    select
        document_id,
        sum(amount) as held_amount
    from {{ set_off_ledger }}
    where posted_on < {{ as_of_date() }}
    group by document_id
    {%- else %}
    select
        cast(null as varchar) as document_id,
        cast(0 as decimal(18, 2)) as held_amount
    where false
    {%- endif %}
),

-- the ERP is the book of record: a new ERP payment clearing an invoice takes what bank
-- credits hold on it, latest credit first, as far as it needs
erp_clearings as (
    select
        to_post.document_id,
        sum(to_post.amount) as cleared_amount
    from to_post
    cross join ledger
    where to_post.match_method = 'erp_cleared'
        and not ledger.is_opening
    group by to_post.document_id
),

erp_shortfall as (
    select
        erp_clearings.document_id,
        erp_clearings.cleared_amount - greatest(
            coalesce(invoices.gross_amount, 0) - coalesce(document_posted.posted_amount, 0)
            - coalesce(set_offs_held.held_amount, 0),
            0
        ) as shortfall
    from erp_clearings
    left join invoices
        on erp_clearings.document_id = invoices.document_id
    left join document_posted
        on erp_clearings.document_id = document_posted.document_id
    left join set_offs_held
        on erp_clearings.document_id = set_offs_held.document_id
),

bank_holdings as (
    select
        posted.payment_id,
        posted.payment_source,
        posted.allocation_step,
        posted.document_id,
        sum(posted.amount) as amount,
        posted.currency,
        posted.payment_date,
        posted.applied_date,
        posted.match_method,
        posted.confidence,
        erp_shortfall.shortfall
    from posted
    inner join settled
        on posted.payment_id = settled.payment_id
    inner join erp_shortfall
        on posted.document_id = erp_shortfall.document_id
    where posted.payment_source = 'bank'
        and erp_shortfall.shortfall > 0
    group by all
    having sum(posted.amount) > 0
),

displaced as (
    select
        *,
        least(
            amount,
            {{ cash_room_left('shortfall', 'amount', 'document_id',
                'payment_date desc, payment_id desc, applied_date desc') }}
        ) as displaced_amount
    from bank_holdings
),

displaced_per_document as (
    select
        document_id,
        sum(displaced_amount) as displaced_amount
    from displaced
    group by document_id
),

displacement_rows as (
    {{ cash_take_back(
        'displaced', 'displaced_amount', 'erp_cleared_otherwise', 'erp_cleared_otherwise',
        'cast(null as varchar)') }}
),

-- a payment and invoice once reversed (by a person or by the ERP) are never paired again
-- automatically
reversed_pairs as (
    select distinct
        payment_id,
        document_id
    from posted
    where posting_kind in ('reversal', 'erp_cleared_otherwise')
        and document_id is not null
    union
    select
        payment_id,
        document_id
    from reversals_due
    union
    select
        payment_id,
        document_id
    from displaced
    where displaced_amount > 0
),

-- unapplied parts of standing payments, known by D, that a retry may apply
retryable as (
    select posted.*
    from posted
    inner join settled
        on posted.payment_id = settled.payment_id
    where {{ cash_is_retryable('posted') }}
        and posted.posting_date <= {{ as_of_date() }}
),

retry_open as (
    select
        payment_id,
        sum(amount) as open_amount
    from retryable
    group by payment_id
    having sum(amount) > 0
),

-- the proposal of a retried payment (int_payments_to_allocate) covers its open part only,
-- laid on what its holdings and the other standing payments left of the invoices
retry_wanted as (
    select
        proposed.*,
        retry_open.open_amount,
        proposed.amount as wanted_amount
    from proposed
    inner join retry_open
        on proposed.payment_id = retry_open.payment_id
    left join reversed_pairs
        on proposed.payment_id = reversed_pairs.payment_id
        and proposed.document_id = reversed_pairs.document_id
    where proposed.document_id is not null
        and reversed_pairs.payment_id is null
        and proposed.amount > 0
),

retry_claims as (
    select
        payment_id,
        payment_source,
        allocation_step,
        document_id,
        least(
            wanted_amount,
            greatest(open_amount - coalesce(sum(wanted_amount) over (
                partition by payment_id
                order by applied_date, document_id
                rows between unbounded preceding and 1 preceding
            ), 0), 0)
        ) as amount,
        currency,
        payment_date,
        applied_date,
        match_method,
        confidence,
        unapplied_reason,
        reversal_id,
        'retry' as posting_kind
    from retry_wanted
),

claims as (
    select
        *,
        'posted' as posting_kind
    from to_post
    where document_id is not null

    union all

    select *
    from retry_claims
    where amount > 0
),

capped as (
    select
        claims.*,
        case
            when ledger.is_opening then claims.amount
            -- the ERP's own clearing first: it is the book of record
            else least(
                claims.amount,
                {{ cash_room_left(
                    'coalesce(invoices.gross_amount, 0)
                    - coalesce(document_posted.posted_amount, 0)
                    - coalesce(set_offs_held.held_amount, 0)
                    + coalesce(displaced_per_document.displaced_amount, 0)',
                    'claims.amount',
                    'claims.document_id',
                    "(claims.match_method = 'erp_cleared') desc, claims.payment_date,
                    claims.payment_id, claims.applied_date") }}
            )
        end as posted_amount
    from claims
    cross join ledger
    left join invoices
        on claims.document_id = invoices.document_id
    left join document_posted
        on claims.document_id = document_posted.document_id
    left join displaced_per_document
        on claims.document_id = displaced_per_document.document_id
    left join set_offs_held
        on claims.document_id = set_offs_held.document_id
),

applied as (
    select
        payment_id,
        payment_source,
        allocation_step,
        document_id,
        posted_amount as amount,
        currency,
        payment_date,
        applied_date,
        match_method,
        confidence,
        unapplied_reason,
        reversal_id,
        posting_kind
    from capped
    where posted_amount > 0
),

-- what a new payment's proposal applied to invoices that posted payments already settle
capped_excess as (
    select
        payment_id,
        payment_source,
        'posting' as allocation_step,
        cast(null as varchar) as document_id,
        sum(amount - posted_amount) as amount,
        currency,
        payment_date,
        payment_date as applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        'document_already_settled' as unapplied_reason,
        cast(null as varchar) as reversal_id,
        'posted' as posting_kind
    from capped
    where posting_kind = 'posted'
        and amount > posted_amount
    group by payment_id, payment_source, currency, payment_date
),

unapplied_new as (
    select
        *,
        'posted' as posting_kind
    from to_post
    where document_id is null
),

-- the retried amount comes off the payment's unapplied parts, reason by reason
retried as (
    select
        payment_id,
        sum(posted_amount) as retried_amount
    from capped
    where posting_kind = 'retry'
    group by payment_id
),

unapplied_parts as (
    select
        retryable.payment_id,
        retryable.payment_source,
        retryable.allocation_step,
        retryable.currency,
        retryable.payment_date,
        retryable.applied_date,
        retryable.unapplied_reason,
        sum(retryable.amount) as open_amount
    from retryable
    inner join retried
        on retryable.payment_id = retried.payment_id
    group by all
    having sum(retryable.amount) > 0
),

unapplied_taken as (
    select
        unapplied_parts.payment_id,
        unapplied_parts.payment_source,
        unapplied_parts.allocation_step,
        cast(null as varchar) as document_id,
        -least(
            unapplied_parts.open_amount,
            {{ cash_room_left(
                'retried.retried_amount',
                'unapplied_parts.open_amount',
                'unapplied_parts.payment_id',
                'unapplied_parts.unapplied_reason, unapplied_parts.applied_date,
                unapplied_parts.allocation_step') }}
        ) as amount,
        unapplied_parts.currency,
        unapplied_parts.payment_date,
        unapplied_parts.applied_date,
        cast(null as varchar) as match_method,
        cast(null as decimal(3, 2)) as confidence,
        unapplied_parts.unapplied_reason,
        cast(null as varchar) as reversal_id,
        'retry' as posting_kind
    from unapplied_parts
    inner join retried
        on unapplied_parts.payment_id = retried.payment_id
),

postings as (
    select * from source_reversals
    union all
    select * from reversal_rows
    union all
    select * from displacement_rows
    union all
    select * from applied
    union all
    select * from capped_excess
    union all
    select * from unapplied_new
    union all
    select * from unapplied_taken
    where amount < 0
),

final as (
    select
        postings.payment_id,
        postings.payment_source,
        postings.allocation_step,
        postings.document_id,
        cast(postings.amount as decimal(18, 2)) as amount,
        postings.currency,
        postings.payment_date,
        postings.applied_date,
        postings.match_method,
        postings.confidence,
        postings.unapplied_reason,
        postings.reversal_id,
        case
            when ledger.is_opening and postings.posting_kind <> 'reversal' then 'opening'
            else postings.posting_kind
        end as posting_kind,
        case
            when ledger.is_opening and postings.posting_kind <> 'reversal' then max(greatest(
                postings.payment_date,
                postings.applied_date,
                coalesce(invoices.issue_date, postings.payment_date)
            )) over (partition by postings.payment_id)
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

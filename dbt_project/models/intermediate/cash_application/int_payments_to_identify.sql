-- The payments whose payer and claims are decided on the as-of date D: identified once, on
-- the day they are first known, and then standing (int_payments_posted), as their
-- allocation stands in the posted cash ledger. Later days decide again only what is still
-- open or what changed (decided_as):
--   new        not decided before D (booked or delivered since, or a late file)
--   changed    its source row differs from the one it was decided on (an ERP correction)
--   retry      still open: a bank credit nobody could be identified for (so a payer's
--              new IBAN, a later teaching payment or a late invoice can still name it), or
--              a credit with an unapplied part the cash ledger may still apply
-- Only candidates are compared with what stands, so the day's work follows the day's
-- files, not history: payments from a file later than any decided one (file_seq above the
-- watermark), payments dated after the last day decided (an old file's payment that falls
-- due to be known), and the open ones.
-- On the first run nothing stands and every payment is new (the opening). A run for a day
-- before the latest decided one decides nothing: later days built on it, and its marts
-- read the decisions as they stood then (int_payments).
{%- set state = cash_ledger_relation('int_payments_posted') %}
{%- set ledger = cash_ledger_relation('int_payment_allocations_posted') %}
{%- set source_columns = cash_payment_source_columns() %}
with

payments as (
    select * from {{ ref('int_payments_unioned') }}
),

{%- if state is none %}

final as (
    select *, 'new' as decided_as
    from payments
)

{%- else %}

standing as (
    {{ cash_payments_standing(state) }}
),

marks as (
    select
        coalesce(max(file_seq), -1) as decided_file_seq,
        max(decided_on) as last_decided_on,
        coalesce(max(decided_on) <= {{ as_of_date() }}, true) as is_latest
    from {{ state }}
    -- a re-run of D ignores what D itself wrote
    where decided_on <> {{ as_of_date() }}
),

unidentified as (
    select payment_id
    from standing
    where customer_id is null
        and payment_source = 'bank'
        and not is_returned_outgoing
),

open_credits as (
    {%- if ledger is not none %}
    select payment_id
    from {{ ledger }} as ledger
    where posted_on < {{ as_of_date() }}
        and {{ cash_is_retryable('ledger') }}
    group by payment_id
    having sum(amount) > 0
    {%- else %}
    select cast(null as varchar) as payment_id
    where false
    {%- endif %}
),

candidates as (
    select payments.*
    from payments
    cross join marks
    where payments.file_seq > marks.decided_file_seq
        or payments.payment_date > marks.last_decided_on
        or marks.last_decided_on is null

    union

    select payments.*
    from payments
    where payments.payment_id in (select payment_id from unidentified)
        or payments.payment_id in (select payment_id from open_credits)
),

-- what stands for the candidates only: the join then builds on the day's few rows, not on
-- every decision of history
standing_candidates as (
    select *
    from standing
    where payment_id in (select payment_id from candidates)
),

compared as (
    select
        candidates.*,
        case
            when standing.payment_id is null then 'new'
            when {{ cash_payment_differs('candidates', 'standing', source_columns) }}
                then 'changed'
            when candidates.payment_id in (select payment_id from unidentified) then 'retry'
            when candidates.payment_id in (select payment_id from open_credits) then 'retry'
        end as decided_as
    from candidates
    left join standing_candidates as standing
        on candidates.payment_id = standing.payment_id
),

final as (
    select *
    from compared
    where decided_as is not null
        and (select is_latest from marks)
)

{%- endif %}

select * from final

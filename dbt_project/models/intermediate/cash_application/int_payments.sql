-- One row per incoming payment on or before the as-of date (bank credits and ERP-cleared
-- payments): who paid and what it claims as decided by then (the version of the posted
-- decisions, int_payments_posted, that held on the as-of date, so a past as-of date
-- answers with what was known that day), whether and when it was returned by then
-- (int_payment_returns_matched: a fact of the day, not a decision), and the route cash
-- application takes with it (allocation_route):
--   manual_application  a bank booking loaded whole for a person to apply (its review_reason
--                       in stg_bank__transactions): unapplied until a person applies it
--   named               names invoices validly: applied to them (int_payments_allocated_named)
--   named_returned      the same, for a credit returned in full (applied, then reversed)
--   by_amount           payer known, no invoice validly named: amount rules, then FIFO
--   fifo                ERP payment without (a known) invoice: FIFO within the customer
--   currency_mismatch   names invoices only in another currency, payer unknown (or ERP)
--   returned_outgoing   a credit flagged as return: our own payment coming back
--   returned_unmatched  returned in full and naming no invoice
--   unmatched           neither an invoice nor the payer could be identified
--
-- Kept as a keyed projection (macros/keyed_projection.sql): a day re-projects the payments
-- whose decision changed or that are dated since (payment_decisions_touched), and every
-- payment with a matched return, before or now (returns are few, and matched afresh).

{%- set since = keyed_projection('payment_id') %}

with

posted as (
    select * from {{ ref('int_payments_posted') }}
),

returns as (
    select * from {{ ref('int_payment_returns_matched') }}
),

-- bank credits loaded whole for a person (few rows: the filter reaches the raw scan)
for_review as (
    select
        bank_transaction_id as payment_id,
        review_reason
    from {{ ref('stg_bank__transactions') }}
    where review_reason is not null
        and direction = 'credit'
),
{%- if since is not none %}

touched as (
    {{ payment_decisions_touched(since) }}
    union
    select payment_id from returns
    union
    select payment_id from {{ this }} where return_transaction_id is not null
),
{%- endif %}

decided as (
    select
        posted.*,
        returns.return_transaction_id,
        returns.returned_date,
        coalesce(returns.returned_amount, 0) as returned_amount,
        for_review.review_reason
    from posted
    left join returns
        on posted.payment_id = returns.payment_id
    left join for_review
        on posted.payment_id = for_review.payment_id
    where posted.valid_from <= {{ as_of_date() }}
        and (posted.superseded_on is null or posted.superseded_on > {{ as_of_date() }})
        and posted.payment_date <= {{ as_of_date() }}
    {%- if since is not none %}
        and posted.payment_id in (select payment_id from touched)
    {%- endif %}
),

final as (
    select
        payment_id,
        payment_source,
        payment_date,
        value_date,
        amount,
        currency,
        customer_id,
        identified_by,
        payer_name,
        payer_iban,
        remittance_text,
        structured_reference,
        end_to_end_id,
        receiving_account_iban,
        erp_document_id,
        is_returned_outgoing,
        names_other_customer_document,
        names_other_currency_document,
        return_transaction_id,
        returned_date,
        cast(returned_amount as decimal(18, 2)) as returned_amount,
        case
            when review_reason is not null then 'manual_application'
            when is_returned_outgoing then 'returned_outgoing'
            when valid_claims > 0 and returned_amount >= amount then 'named_returned'
            when valid_claims > 0 then 'named'
            when returned_amount >= amount then 'returned_unmatched'
            when currency_mismatch_claims > 0 and (payment_source = 'erp' or customer_id is null)
                then 'currency_mismatch'
            when payment_source = 'erp' then 'fifo'
            when customer_id is not null then 'by_amount'
            else 'unmatched'
        end as allocation_route
    from decided
)

{{ keyed_projection_rows(since, 'final', 'touched', 'payment_id') }}

-- One row per incoming payment on or before the as-of date (bank credits and ERP-cleared
-- payments): who paid (customer_id: the ERP's; for the bank the identified payer, else
-- the one customer whose invoices it validly names), whether and when it was returned,
-- and the route cash application takes with it (allocation_route):
--   named               names invoices validly: applied to them (int_payments_allocated_named)
--   named_returned      the same, for a credit returned in full (applied, then reversed)
--   by_amount           payer known, no invoice validly named: amount rules, then FIFO
--   fifo                ERP payment without (a known) invoice: FIFO within the customer
--   currency_mismatch   names invoices only in another currency, payer unknown (or ERP)
--   returned_outgoing   a credit flagged as return: our own payment coming back
--   returned_unmatched  returned in full and naming no invoice
--   unmatched           neither an invoice nor the payer could be identified
with

unioned as (
    select * from {{ ref('int_payments_unioned') }}
),

identified as (
    select * from {{ ref('int_payers_identified') }}
),

claims as (
    select * from {{ ref('int_payment_documents_claimed') }}
),

returns as (
    select * from {{ ref('int_payment_returns_matched') }}
),

claim_summary as (
    select
        payment_id,
        count(case when claim_status = 'valid' then 1 end) as valid_claims,
        count(case when claim_status = 'currency_mismatch' then 1 end) as currency_mismatch_claims,
        count(case when claim_status = 'other_customer' then 1 end) as other_customer_claims,
        count(distinct case when claim_status = 'valid' then document_customer_id end)
            as valid_claim_customers,
        min(case when claim_status = 'valid' then document_customer_id end)
            as valid_claim_customer_id
    from claims
    group by payment_id
),

enriched as (
    select
        unioned.*,
        case
            when unioned.payment_source = 'erp' then unioned.erp_customer_id
            when identified.customer_id is not null then identified.customer_id
            when claim_summary.valid_claim_customers = 1 then claim_summary.valid_claim_customer_id
        end as customer_id,
        case
            when unioned.payment_source = 'erp' then 'erp'
            when identified.customer_id is not null then identified.identified_by
            when claim_summary.valid_claim_customers = 1 then 'document'
        end as identified_by,
        coalesce(claim_summary.valid_claims, 0) as valid_claims,
        coalesce(claim_summary.currency_mismatch_claims, 0) as currency_mismatch_claims,
        coalesce(claim_summary.other_customer_claims, 0) > 0 as names_other_customer_document,
        coalesce(claim_summary.currency_mismatch_claims, 0) > 0 as names_other_currency_document,
        returns.return_transaction_id,
        returns.returned_date,
        coalesce(returns.returned_amount, 0) as returned_amount
    from unioned
    left join identified
        on unioned.payment_id = identified.payment_id
    left join claim_summary
        on unioned.payment_id = claim_summary.payment_id
    left join returns
        on unioned.payment_id = returns.payment_id
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
    from enriched
)

select * from final

-- One row per payment decided on the as-of date (int_payments_to_identify: new, changed
-- or retried): who paid (customer_id: the ERP's; for the bank the identified payer, else
-- the one customer whose invoices it validly names, identified_by 'document'), what its
-- claims on invoices come to (valid_claims, currency_mismatch_claims and the two flags),
-- and what it teaches about its payer IBAN (taught_customer_ids: the customers whose
-- invoices it names by exact reference or verbatim document number), which later days
-- learn from without resolving it again. int_payments_posted keeps these decisions;
-- int_payments adds what happens to the payment by the as-of date (a return) and the
-- route cash application takes with it.
with

unioned as (
    select * from {{ ref('int_payments_to_identify') }}
),

identified as (
    select * from {{ ref('int_payers_identified') }}
),

claims as (
    select * from {{ ref('int_payment_documents_claimed') }}
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

taught as (
    select
        claims.payment_id,
        list(distinct claims.document_customer_id order by claims.document_customer_id)
            as taught_customer_ids,
        bool_or(claims.match_strength = 'exact') as taught_by_exact_reference
    from claims
    inner join unioned
        on claims.payment_id = unioned.payment_id
    where unioned.payment_source = 'bank'
        and unioned.payer_iban is not null
        and claims.match_method <> 'document_date'
        and claims.match_strength in ('exact', 'verbatim')
    group by claims.payment_id
),

final as (
    select
        {%- for column in cash_payment_source_columns() %}
        unioned.{{ column }},
        {%- endfor %}
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
        taught.taught_customer_ids,
        coalesce(taught.taught_by_exact_reference, false) as taught_by_exact_reference,
        unioned.file_seq,
        unioned.decided_as
    from unioned
    left join identified
        on unioned.payment_id = identified.payment_id
    left join claim_summary
        on unioned.payment_id = claim_summary.payment_id
    left join taught
        on unioned.payment_id = taught.payment_id
)

select * from final

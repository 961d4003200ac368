-- One row per (payment decided on the as-of date, int_payments_to_identify, and invoice) a
-- payment names: bank payments through their references
-- (int_payment_references_resolved), ERP payments through their document_id. claim_status
-- says whether the claim may be applied:
--   valid                  same currency, and the reference is exact (structured/RF),
--                          or the payer is unknown or the invoice's customer (document
--                          numbers), or — for weak readings — the payer is known, is the
--                          invoice's customer and the reading points to one invoice only
--   other_customer         a document number of another customer than the known payer
--                          (never applied: typos and foreign numbers must not settle
--                          someone else's invoice; only an exact reference may)
--   currency_mismatch      an otherwise valid claim on an invoice in another currency
--   not_yet_issued         the invoice was issued after the payment was booked
--   unconfirmed            a weak reading the payer does not confirm, or one of several
--                          invoices a weak reading could mean, or — payer unknown —
--                          a number of another customer than most of the numbers
--                          named belong to (or no customer has most), or an invoice date
--                          ("Rechnung vom 24.06.2025": the known payer's invoice of that
--                          day) beside an invoice named otherwise
with

payments as (
    select * from {{ ref('int_payments_to_identify') }}
),

identified as (
    select * from {{ ref('int_payers_identified') }}
),

resolved as (
    select * from {{ ref('int_payment_references_resolved') }}
),

payment_references as (
    select * from {{ ref('int_payment_references_extracted') }}
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),

-- "Rechnung vom 24.06.2025": the known payer's invoice issued that day (joined on one
-- key of customer and day, so no day is ever joined across customers)
invoice_date_references as (
    select
        payment_references.payment_id,
        payment_references.reference_value,
        identified.customer_id || '|' || payment_references.reference_value as customer_day
    from payment_references
    inner join identified
        on payment_references.payment_id = identified.payment_id
    where payment_references.reference_kind = 'invoice_date'
),

invoice_days as (
    select
        document_id,
        customer_id || '|' || cast(issue_date as varchar) as customer_day
    from invoices
),

by_invoice_date as (
    select
        invoice_date_references.payment_id,
        invoice_days.document_id,
        invoice_date_references.reference_value,
        'document_date' as match_method,
        'weak' as match_strength,
        {{ cash_confidence('document_date') }} as confidence
    from invoice_date_references
    inner join invoice_days
        on invoice_date_references.customer_day = invoice_days.customer_day
),

all_resolved as (
    select payment_id, document_id, reference_value, match_method, match_strength, confidence
    from resolved
    union all
    select payment_id, document_id, reference_value, match_method, match_strength, confidence
    from by_invoice_date
    where not exists (
        select 1
        from resolved
        where resolved.payment_id = by_invoice_date.payment_id
            and resolved.document_id = by_invoice_date.document_id
    )
),

bank_claims as (
    select
        all_resolved.payment_id,
        all_resolved.document_id,
        invoices.customer_id as document_customer_id,
        identified.customer_id as payer_customer_id,
        all_resolved.reference_value,
        all_resolved.match_method,
        all_resolved.match_strength,
        all_resolved.confidence,
        case
            when invoices.issue_date > payments.payment_date then 'not_yet_issued'
            when all_resolved.match_strength in ('verbatim', 'normal')
                and identified.customer_id <> invoices.customer_id
                then 'other_customer'
            when all_resolved.match_strength = 'weak'
                and (identified.customer_id is null or identified.customer_id <> invoices.customer_id)
                then 'unconfirmed'
            when invoices.currency <> payments.currency then 'currency_mismatch'
            else 'valid'
        end as provisional_status
    from all_resolved
    inner join payments
        on all_resolved.payment_id = payments.payment_id
    inner join invoices
        on all_resolved.document_id = invoices.document_id
    left join identified
        on all_resolved.payment_id = identified.payment_id
),

-- a payer nobody knows who names invoices of several customers by number: a typo is
-- likelier than paying for several companies at once, so only the customer most of the
-- numbers belong to counts
unknown_payer_customers as (
    select
        payment_id,
        document_customer_id,
        count(*) as named_invoices
    from bank_claims
    where payer_customer_id is null
        and match_strength in ('verbatim', 'normal')
        and provisional_status = 'valid'
    group by payment_id, document_customer_id
),

unknown_payer_majority as (
    select
        payment_id,
        document_customer_id
    from (
        select
            *,
            rank() over (partition by payment_id order by named_invoices desc) as named_rank,
            count(*) over (partition by payment_id, named_invoices) as tied
        from unknown_payer_customers
    ) as ranked
    where named_rank = 1
        and tied = 1
),

bank_claims_checked as (
    select
        *,
        case
            when payer_customer_id is null
                and match_strength in ('verbatim', 'normal')
                and provisional_status = 'valid'
                and not exists (
                    select 1
                    from unknown_payer_majority
                    where unknown_payer_majority.payment_id = bank_claims.payment_id
                        and unknown_payer_majority.document_customer_id
                            = bank_claims.document_customer_id
                )
                then 'unconfirmed'
            when match_strength = 'weak' and provisional_status = 'valid'
                and count(case when provisional_status = 'valid' then 1 end) over (
                    partition by payment_id, reference_value
                ) > 1
                then 'unconfirmed'
            -- an invoice date only counts when the text names no invoice otherwise
            when match_method = 'document_date' and provisional_status = 'valid'
                and count(case when provisional_status = 'valid' and match_method <> 'document_date' then 1 end)
                    over (partition by payment_id) > 0
                then 'unconfirmed'
            else provisional_status
        end as claim_status
    from bank_claims
),

erp_claims as (
    select
        payments.payment_id,
        invoices.document_id,
        invoices.customer_id as document_customer_id,
        payments.erp_customer_id as payer_customer_id,
        payments.erp_document_id as reference_value,
        'erp_cleared' as match_method,
        'exact' as match_strength,
        {{ cash_confidence('erp_cleared') }} as confidence,
        case
            when invoices.currency <> payments.currency then 'currency_mismatch'
            else 'valid'
        end as claim_status
    from payments
    inner join invoices
        on payments.erp_document_id = invoices.document_id
    where payments.payment_source = 'erp'
),

final as (
    select
        payment_id,
        document_id,
        document_customer_id,
        payer_customer_id,
        match_method,
        match_strength,
        confidence,
        claim_status
    from bank_claims_checked

    union all

    select
        payment_id,
        document_id,
        document_customer_id,
        payer_customer_id,
        match_method,
        match_strength,
        confidence,
        claim_status
    from erp_claims
)

select * from final

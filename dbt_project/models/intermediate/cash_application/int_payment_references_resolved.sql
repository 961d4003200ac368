-- One row per (bank payment decided on the as-of date, int_payments_to_identify, and
-- invoice) that a reference of the payment points to, before
-- any check of who paid: the strongest way it was found (match_strength exact >
-- verbatim > normal > weak), the match method and its confidence. Joins are equi-joins
-- on normalised keys only.
--   exact     the invoice's payment reference (RF creditor reference, ISO 11649) equals
--             the structured reference or is written in the text; or the structured
--             reference is the document number                  -> structured_reference
--   verbatim  the document number is a word of the text or the end-to-end id
--   normal    year + sequence with an invoice word before it, the invoice's own prefix,
--             or the sequence written in full ("2025-000123", "2025000123")
--   weak      year + sequence without prefix and shortened ("2025-123"), or a sequence
--             without year ("Rg.Nr. 123")                          -> document_number
-- The invoice's order number as a word is normal (weak when several invoices share it)
--                                                                  -> order_reference
with

-- only the payments decided today: the others stand as they were decided
payments as (
    select payment_id from {{ ref('int_payments_to_identify') }}
),

payment_references as (
    select payment_references.*
    from {{ ref('int_payment_references_extracted') }} as payment_references
    inner join payments
        on payment_references.payment_id = payments.payment_id
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),

by_payment_reference as (
    select
        payment_references.payment_id,
        invoices.document_id,
        payment_references.reference_value,
        'exact' as match_strength,
        'structured_reference' as match_method
    from payment_references
    inner join invoices
        on payment_references.reference_value = invoices.payment_reference_compact
    where payment_references.reference_kind in ('structured_reference', 'rf_reference', 'token')
        and length(invoices.payment_reference_compact) >= {{ cash_parameter('reference_min_length') }}
),

by_structured_document_number as (
    select
        payment_references.payment_id,
        invoices.document_id,
        payment_references.reference_value,
        'exact' as match_strength,
        'structured_reference' as match_method
    from payment_references
    inner join invoices
        on payment_references.reference_value = invoices.document_id_upper
    where payment_references.reference_kind = 'structured_reference'
),

by_verbatim_document_number as (
    select
        payment_references.payment_id,
        invoices.document_id,
        payment_references.reference_value,
        'verbatim' as match_strength,
        'document_number' as match_method
    from payment_references
    inner join invoices
        on payment_references.reference_value = invoices.document_id_upper
    where payment_references.reference_kind = 'token'
),

by_order_number as (
    select
        payment_references.payment_id,
        invoices.document_id,
        payment_references.reference_value,
        case when invoices.order_id_invoices = 1 then 'normal' else 'weak' end as match_strength,
        'order_reference' as match_method
    from payment_references
    inner join invoices
        on payment_references.reference_value = invoices.order_id_upper
    where payment_references.reference_kind = 'token'
        and length(invoices.order_id_upper) >= {{ cash_parameter('reference_min_length') }}
),

by_year_number as (
    select
        payment_references.payment_id,
        invoices.document_id,
        payment_references.reference_value,
        case
            when payment_references.prefix_class = 'invoice'
                or payment_references.prefix_letters = invoices.number_prefix
                or payment_references.sequence_length >= invoices.sequence_length
                then 'normal'
            else 'weak'
        end as match_strength,
        'document_number' as match_method
    from payment_references
    inner join invoices
        on payment_references.reference_value = invoices.number_key
    where payment_references.reference_kind = 'year_number'
        and (
            payment_references.prefix_class in ('invoice', 'none')
            or payment_references.prefix_letters = invoices.number_prefix
        )
),

by_sequence_number as (
    select
        payment_references.payment_id,
        invoices.document_id,
        payment_references.reference_value,
        'weak' as match_strength,
        'document_number' as match_method
    from payment_references
    inner join invoices
        on payment_references.reference_value = invoices.sequence_key
    where payment_references.reference_kind = 'sequence_number'
),

all_matches as (
    select * from by_payment_reference
    union all
    select * from by_structured_document_number
    union all
    select * from by_verbatim_document_number
    union all
    select * from by_order_number
    union all
    select * from by_year_number
    union all
    select * from by_sequence_number
),

ranked as (
    select
        *,
        case match_strength
            when 'exact' then 1
            when 'verbatim' then 2
            when 'normal' then 3
            else 4
        end as strength_rank
    from all_matches
),

strongest as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by payment_id, document_id
                order by strength_rank
            ) as match_rank
        from ranked
    ) as numbered
    where match_rank = 1
),

final as (
    select
        payment_id,
        document_id,
        reference_value,
        match_strength,
        strength_rank,
        match_method,
        case
            when match_strength = 'exact' then {{ cash_confidence('structured_reference') }}
            when match_method = 'order_reference' and match_strength = 'normal'
                then {{ cash_confidence('order_reference') }}
            when match_method = 'order_reference' then {{ cash_confidence('document_number_weak') }}
            when match_strength = 'verbatim' then {{ cash_confidence('document_number_verbatim') }}
            when match_strength = 'normal' then {{ cash_confidence('document_number') }}
            else {{ cash_confidence('document_number_weak') }}
        end as confidence
    from strongest
)

select * from final

-- One row per invoice issued on or before the as-of date, with the keys payments are
-- matched on. Document numbers like "RE-2025-000123" are split into letter prefix,
-- year and sequence ("2025-123" is the number key, "123" the sequence key), so a
-- remittance written "Rg. 2025/123", "RE 2025 000123" or "2025000123" finds it; the
-- order number ("Order PO-1427-9998", as card payouts carry it) is a key too.
-- Credit notes are never targets of a payment.
with

documents as (
    select * from {{ ref('stg_erp__documents') }}
),

invoices as (
    select *
    from documents
    where document_type = 'invoice'
        and issue_date <= {{ as_of_date() }}
),

parsed as (
    select
        invoices.document_id,
        invoices.customer_id,
        invoices.issue_date,
        coalesce(invoices.due_date, invoices.issue_date) as due_date,
        invoices.gross_amount,
        upper(invoices.currency) as currency,
        upper(invoices.document_id) as document_id_upper,
        upper(replace(invoices.payment_reference, ' ', '')) as payment_reference_compact,
        nullif(upper(trim(invoices.order_id)), '') as order_id_upper,
        {{ cash_regexp_extract(
            'upper(invoices.document_id)',
            cash_document_number_pattern(),
            1
        ) }} as number_prefix,
        {{ cash_regexp_extract(
            'upper(invoices.document_id)',
            cash_document_number_pattern(),
            2
        ) }} as number_year,
        {{ cash_regexp_extract(
            'upper(invoices.document_id)',
            cash_document_number_pattern(),
            3
        ) }} as number_sequence
    from invoices
),

final as (
    select
        document_id,
        customer_id,
        issue_date,
        due_date,
        currency,
        gross_amount,
        document_id_upper,
        payment_reference_compact,
        order_id_upper,
        case
            when order_id_upper is not null
                then count(*) over (partition by order_id_upper)
        end as order_id_invoices,
        number_prefix,
        case
            when number_sequence is not null
                then {{ cash_number_key('number_year', 'number_sequence') }}
        end as number_key,
        case
            when number_sequence is not null
                then {{ cash_sequence_key('number_sequence') }}
        end as sequence_key,
        length(number_sequence) as sequence_length
    from parsed
)

select * from final

-- One row per reference a bank payment booked on or before the as-of date carries (own
-- returns excepted): the readings of int_payment_references_parsed, which parses every
-- credit once whatever its date, kept for the payments of this build. What each
-- reference_kind means is explained there. A view: its consumers read only the kinds
-- they need, and writing all 2.9 M readings of 1 M invoices as a table again took 2.3 s.
{{ config(materialized='view') }}

with

payments as (
    select * from {{ ref('int_payments_unioned') }}
),

parsed as (
    select * from {{ ref('int_payment_references_parsed') }}
),

bank_payments as (
    select payment_id
    from payments
    where payment_source = 'bank'
        and not is_returned_outgoing
),

final as (
    select
        parsed.payment_id,
        parsed.reference_kind,
        parsed.reference_value,
        parsed.prefix_letters,
        parsed.prefix_class,
        parsed.sequence_length,
        parsed.token_position,
        parsed.window_text
    from parsed
    inner join bank_payments
        on parsed.payment_id = bank_payments.payment_id
    where parsed.reference_kind <> 'parsed'
)

select * from final

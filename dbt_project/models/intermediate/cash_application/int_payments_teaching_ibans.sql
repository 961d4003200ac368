-- What the standing payments (decided before the as-of date and not decided again today,
-- int_payments_posted) teach about their payer IBANs: one row per (payment, customer) whose
-- invoices the payment named by an exact reference or verbatim document number when it
-- was decided, for the accounts today's payments come from. int_payers_identified learns
-- IBANs from these and from the day's payments, so a payment decided today learns from
-- all history without resolving it again.
{%- set state = cash_ledger_relation('int_payments_posted') %}
-- depends_on: {{ ref('int_payments_to_identify') }}
with

{%- if state is none %}

final as (
    select
        cast(null as varchar) as payment_id,
        cast(null as varchar) as payer_iban,
        cast(null as varchar) as customer_id,
        cast(null as varchar) as match_strength
    where false
)

{%- else %}

standing as (
    {{ cash_payments_standing(state) }}
),

to_identify as (
    select payment_id, payer_iban from {{ ref('int_payments_to_identify') }}
),

-- only the accounts today's payments come from can teach them anything
todays_ibans as (
    select distinct payer_iban
    from to_identify
    where payer_iban is not null
),

final as (
    select
        payment_id,
        payer_iban,
        unnest(taught_customer_ids) as customer_id,
        case when taught_by_exact_reference then 'exact' else 'verbatim' end
            as match_strength
    from standing
    where payer_iban in (select payer_iban from todays_ibans)
        and payment_id not in (select payment_id from to_identify)
)

{%- endif %}

select * from final

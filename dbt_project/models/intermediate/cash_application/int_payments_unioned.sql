-- One row per incoming payment on or before the as-of date, from the bank (every booked
-- credit, including our own outgoing payments coming back) and from the ERP (payments it
-- cleared itself), in one shape, with the raw file each came from (file_seq: files are
-- numbered in arrival order, so a payment new or changed since a day was decided comes
-- from a later file). Identification and matching happen downstream.
--
-- Kept as a keyed projection (macros/keyed_projection.sql): a day re-projects only the
-- payments it touched (macros/keyed_projection_touched.sql: payments_touched).

-- depends_on: {{ ref('stg_bank__transactions') }}
-- depends_on: {{ ref('stg_erp__payment_versions') }}
{%- set since = keyed_projection('payment_id') %}

with
{%- if since is not none %}

touched as (
    {{ payments_touched(since) }}
),
{%- endif %}

bank_credits as (
    select *
    from {{ ref('int_bank_credits') }}
    where payment_date <= {{ as_of_date() }}
    {%- if since is not none %}
        and payment_id in (select payment_id from touched)
    {%- endif %}
),

erp_payments as (
    select *
    from {{ ref('stg_erp__payments') }}
    {%- if since is not none %}
    where payment_id in (select payment_id from touched)
    {%- endif %}
),

erp_cleared as (
    select
        payment_id,
        'erp' as payment_source,
        payment_date,
        cast(null as date) as value_date,
        cast(amount as decimal(18, 2)) as amount,
        upper(currency) as currency,
        customer_id as erp_customer_id,
        document_id as erp_document_id,
        cast(null as varchar) as payer_name,
        cast(null as varchar) as payer_iban,
        cast(null as varchar) as remittance_text,
        cast(null as varchar) as structured_reference,
        cast(null as varchar) as end_to_end_id,
        cast(null as varchar) as receiving_account_iban,
        false as is_returned_outgoing,
        file_seq
    from erp_payments
    where payment_date <= {{ as_of_date() }}
),

final as (
    select * from bank_credits
    union all
    select * from erp_cleared
)

{{ keyed_projection_rows(since, 'final', 'touched', 'payment_id') }}

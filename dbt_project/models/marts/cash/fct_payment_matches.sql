-- One row per bank or ERP payment applied to an invoice on a day (reversals of returned
-- payments are negative rows of their own, dated the return).
--
-- Kept as a keyed projection by payment (macros/keyed_projection.sql): a day re-projects
-- the payments int_payment_applications or int_payments re-projected since (their key log).
{%- set reads = ['int_payment_applications', 'int_payments'] %}
{%- set since = keyed_projection('payment_id', reads=reads) %}

with
{%- if since is not none %}

touched as (
    {{ keyed_projection_logged(since, reads, 'payment_id') }}
),
{%- endif %}

applications as (
    select * from {{ ref('int_payment_applications') }}
    {%- if since is not none %}
    where payment_id in (select payment_id from touched)
    {%- endif %}
),

payments as (
    select * from {{ ref('int_payments') }}
    {%- if since is not none %}
    where payment_id in (select payment_id from touched)
    {%- endif %}
),

matches as (
    select
        {{ dbt.hash("applications.payment_id || '|' || applications.document_id || '|' || applications.match_method") }}
            as payment_match_id,
        applications.payment_id,
        applications.payment_source,
        applications.document_id,
        applications.customer_id,
        applications.applied_amount,
        applications.currency,
        applications.applied_date,
        applications.match_method,
        applications.confidence,
        applications.match_method = 'return_reversal' as is_reversal,
        payments.payment_date,
        payments.customer_id as payer_customer_id,
        payments.payer_name
    from applications
    inner join payments
        on applications.payment_id = payments.payment_id
)

{{ keyed_projection_rows(since, 'matches', 'touched', 'payment_id') }}

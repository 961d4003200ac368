{#- Invariants of cash application, as generic data tests (no dbt packages here). -#}

{#- Every payment of `model` (int_payments) is accounted for to the cent: what is applied
    (reversals included), what is unapplied and what was returned add up to its amount.
    With `ledger` (the posted ledger as of the date), only the payments posted by then: a
    run for a past day knows payments that arrived later, but its books do not. -#}
{% test cash_payments_accounted_for(model, applications, unapplied, ledger=none) %}
with
{%- if ledger is not none %}

known as (
    select distinct payment_id
    from {{ ledger }}
),
{%- endif %}

applied as (
    select payment_id, sum(applied_amount) as applied_amount
    from {{ applications }}
    group by payment_id
),

not_applied as (
    select payment_id, sum(amount) as unapplied_amount
    from {{ unapplied }}
    group by payment_id
)

select
    payments.payment_id,
    payments.amount,
    coalesce(applied.applied_amount, 0) as applied_amount,
    coalesce(not_applied.unapplied_amount, 0) as unapplied_amount,
    payments.returned_amount
from {{ model }} as payments
{%- if ledger is not none %}
inner join known
    on payments.payment_id = known.payment_id
{%- endif %}
left join applied
    on payments.payment_id = applied.payment_id
left join not_applied
    on payments.payment_id = not_applied.payment_id
where payments.amount
    <> coalesce(applied.applied_amount, 0) + coalesce(not_applied.unapplied_amount, 0)
        + payments.returned_amount
{% endtest %}


{#- Every payment of `model` (int_payments) is in the posted `ledger`
    (int_payment_allocations_posted) once the latest day ran: nothing known is left
    unposted. A run for a past day posts nothing and is not checked. -#}
{% test cash_payments_posted(model, ledger) %}
with

later_days as (
    select 1
    from {{ ledger }}
    where posted_on > {{ as_of_date() }}
    limit 1
),

posted as (
    select distinct payment_id
    from {{ ledger }}
)

select payments.payment_id
from {{ model }} as payments
left join posted
    on payments.payment_id = posted.payment_id
where posted.payment_id is null
    and not exists (select 1 from later_days)
{% endtest %}


{#- Every incoming bank credit booked on or before the as-of date is a payment of `model`
    (nothing is dropped on the way), and nothing else from the bank is. -#}
{% test cash_bank_credits_complete(model, bank_transactions) %}
with

credits as (
    select bank_transaction_id as payment_id, amount, currency
    from {{ bank_transactions }}
    where direction = 'credit'
        and booking_date <= {{ as_of_date() }}
),

bank_payments as (
    select payment_id, amount, currency
    from {{ model }}
    where payment_source = 'bank'
)

select
    coalesce(credits.payment_id, bank_payments.payment_id) as payment_id,
    credits.amount as bank_amount,
    bank_payments.amount as payment_amount
from credits
full outer join bank_payments
    on credits.payment_id = bank_payments.payment_id
where credits.payment_id is null
    or bank_payments.payment_id is null
    or credits.amount <> bank_payments.amount
    or upper(credits.currency) <> bank_payments.currency
{% endtest %}


{#- No document is over-applied: per invoice of `invoices` (int_invoices_keyed), what
    payments (`model`, int_payment_applications, reversals included) and credit notes
    (`credit_note_applications`) applied is between 0 and its gross amount; and no
    application points to a document that is not an invoice. -#}
{% test cash_not_over_applied(model, invoices, credit_note_applications) %}
with

applied as (
    select document_id, applied_amount as amount from {{ model }}
    union all
    select document_id, applied_amount as amount from {{ credit_note_applications }}
),

per_document as (
    select
        document_id,
        sum(amount) as applied_amount,
        min(amount) as smallest_part
    from applied
    group by document_id
),

paid as (
    select document_id, sum(applied_amount) as paid_amount
    from {{ model }}
    group by document_id
)

select
    per_document.document_id,
    per_document.applied_amount,
    paid.paid_amount,
    invoices.gross_amount
from per_document
left join paid
    on per_document.document_id = paid.document_id
left join {{ invoices }} as invoices
    on per_document.document_id = invoices.document_id
where invoices.document_id is null
    or per_document.applied_amount > invoices.gross_amount
    or coalesce(paid.paid_amount, 0) < 0
{% endtest %}


{#- Applications only within one currency: the row's currency is the document's and,
    when `payments` is given, the payment's. -#}
{% test cash_same_currency(model, invoices, payments=none) %}
select
    applications.document_id,
    applications.currency,
    invoices.currency as document_currency
    {%- if payments %},
    payments.currency as payment_currency
    {%- endif %}
from {{ model }} as applications
left join {{ invoices }} as invoices
    on applications.document_id = invoices.document_id
{%- if payments %}
left join {{ payments }} as payments
    on applications.payment_id = payments.payment_id
{%- endif %}
where invoices.currency is null
    or applications.currency <> invoices.currency
    {%- if payments %}
    or payments.currency is null
    or applications.currency <> payments.currency
    {%- endif %}
{% endtest %}


{#- No credit note of `documents` applies more than its gross amount in `model`
    (int_credit_note_applications), whatever step applied it. -#}
{% test cash_credit_notes_within_amount(model, documents) %}
select
    applications.credit_note_id,
    max(documents.gross_amount) as credit_amount,
    sum(applications.applied_amount) as applied_amount
from {{ model }} as applications
inner join {{ documents }} as documents
    on applications.credit_note_id = documents.document_id
group by applications.credit_note_id
having sum(applications.applied_amount) > max(documents.gross_amount)
{% endtest %}

-- Every change of a document's open amount up to the as-of date, in the document's
-- currency, signed as the change of the receivable: the issue (+amount, credit notes
-- negative), each payment application (-applied; a returned payment's reversal comes
-- back positive), and each credit-note application, once on the invoice (-applied) and
-- once on the credit note (+applied, moving it towards zero). Open amount on a day =
-- the sum of a document's movements up to that day; the daily KPIs are built from
-- these rows, never from documents x days.
--
-- Kept as a keyed projection (macros/keyed_projection.sql) by document: a day re-projects
-- the documents it touched (documents_touched), those with a set-off posted since, and
-- those a touched payment is applied to, before or now. A payment's applications change
-- only with its postings (cash_postings_touched), its return (int_payments re-projects
-- it: _projected_on) or the invoice itself. Its key log is dated by balance_date, so the
-- daily series (int_receivables_daily_deltas) recomputes from the earliest changed date.

-- depends_on: {{ ref('stg_erp__document_versions') }}
-- depends_on: {{ ref('stg_erp__documents') }}
-- depends_on: {{ ref('int_payment_allocations_posted') }}
-- depends_on: {{ ref('int_credit_note_applications_posted') }}
-- depends_on: {{ ref('int_payments') }}
{%- set since = keyed_projection('document_id', dated='balance_date') %}

with
{%- if since is not none %}

touched_payments as (
    {{ cash_postings_touched(since) }}
    union
    select payment_id
    from {{ ref('int_payments') }}
    where _projected_on > {{ since.as_of_date }}
),

touched as (
    {{ documents_touched(since) }}
    union
    {{ credit_note_postings_touched(since) }}
    union
    select document_id
    from {{ ref('int_payment_applications') }}
    where payment_id in (select payment_id from touched_payments)
        or applied_date > {{ since.as_of_date }} and applied_date <= {{ as_of_date() }}
    union
    select document_id
    from {{ this }}
    where movement_type = 'payment'
        and counterpart_id in (select payment_id from touched_payments)
    union
    select unnest([document_id, credit_note_id])
    from {{ ref('int_credit_note_applications_as_of') }}
    where applied_date > {{ since.as_of_date }} and applied_date <= {{ as_of_date() }}
),
{%- endif %}

documents as (
    select * from {{ ref('int_documents_issued') }}
    {%- if since is not none %}
    where document_id in (select document_id from touched)
    {%- endif %}
),

payment_applications as (
    select * from {{ ref('int_payment_applications') }}
    {%- if since is not none %}
    where document_id in (select document_id from touched)
    {%- endif %}
),

credit_note_applications as (
    select * from {{ ref('int_credit_note_applications_as_of') }}
    {%- if since is not none %}
    where document_id in (select document_id from touched)
        or credit_note_id in (select document_id from touched)
    {%- endif %}
),

applications as (
    select
        document_id,
        'payment' as movement_type,
        payment_id as counterpart_id,
        applied_date as movement_date,
        currency as movement_currency,
        -applied_amount as movement_amount
    from payment_applications
    where applied_date <= {{ as_of_date() }}
    union all
    select
        document_id,
        'credit_note_received' as movement_type,
        credit_note_id as counterpart_id,
        applied_date as movement_date,
        currency as movement_currency,
        -applied_amount as movement_amount
    from credit_note_applications
    where applied_date <= {{ as_of_date() }}
    union all
    select
        credit_note_id as document_id,
        'credit_note_applied' as movement_type,
        document_id as counterpart_id,
        applied_date as movement_date,
        currency as movement_currency,
        applied_amount as movement_amount
    from credit_note_applications
    where applied_date <= {{ as_of_date() }}
),

{%- if since is not none %}

-- in a step: of a set-off only the side of a touched document
applications_touched as (
    select * from applications
    where document_id in (select document_id from touched)
),
{%- endif %}

-- several applications of one counterpart to one document on one day are one movement
applications_summed as (
    select
        document_id,
        movement_type,
        counterpart_id,
        movement_date,
        movement_currency,
        sum(movement_amount) as movement_amount
    from {{ 'applications' if since is none else 'applications_touched' }}
    group by
        document_id,
        movement_type,
        counterpart_id,
        movement_date,
        movement_currency
),

-- the issue is one movement per document and carries the document's own attributes:
-- neither grouped nor joined (half the rows at scale)
issues as (
    select
        document_id,
        'issue' as movement_type,
        document_id as counterpart_id,
        issue_date as movement_date,
        issue_date as balance_date,
        customer_id,
        entity_id,
        document_type,
        issue_date,
        overdue_from_date,
        currency,
        currency as movement_currency,
        cast(signed_amount as decimal(18, 2)) as movement_amount
    from documents
),

applications_dated as (
    select
        applications_summed.document_id,
        applications_summed.movement_type,
        applications_summed.counterpart_id,
        applications_summed.movement_date,
        -- an application booked before the document's issue date counts from the issue
        -- date: a document is never open (or paid) before it exists
        case
            when applications_summed.movement_date < documents.issue_date then documents.issue_date
            else applications_summed.movement_date
        end as balance_date,
        documents.customer_id,
        documents.entity_id,
        documents.document_type,
        documents.issue_date,
        documents.overdue_from_date,
        documents.currency,
        applications_summed.movement_currency,
        cast(applications_summed.movement_amount as decimal(18, 2)) as movement_amount
    from applications_summed
    inner join documents
        on documents.document_id = applications_summed.document_id
),

final as (
    select * from issues
    union all
    select * from applications_dated
)

{{ keyed_projection_rows(since, 'final', 'touched', 'document_id') }}

-- Documents issued on or before the as-of date, with the due date every receivables
-- measure ages them by. Where the ERP sets no due date, the claim falls due 30 days
-- after the invoice (BGB §286(3): default 30 days after due date and receipt of the
-- invoice), so issue_date + 30 days stands in for it; credit notes are treated alike.
--
-- Kept as a keyed projection (macros/keyed_projection.sql): a day re-projects only the
-- documents it touched (macros/keyed_projection_touched.sql: documents_touched).

-- depends_on: {{ ref('stg_erp__document_versions') }}
{%- set since = keyed_projection('document_id') %}

with

documents as (
    select * from {{ ref('stg_erp__documents') }}
),
{%- if since is not none %}

touched as (
    {{ documents_touched(since) }}
),
{%- endif %}

issued as (
    select *
    from documents
    where issue_date <= {{ as_of_date() }}
    {%- if since is not none %}
        and document_id in (select document_id from touched)
    {%- endif %}
),

dated as (
    select
        *,
        coalesce(due_date, {{ finance_add_days('issue_date', 30) }}) as effective_due_date,
        due_date is null as is_due_date_defaulted
    from issued
),

final as (
    select
        document_id,
        document_type,
        customer_id,
        entity_id,
        issue_date,
        due_date,
        effective_due_date,
        is_due_date_defaulted,
        -- the first day the document counts as overdue: the day after it falls due
        -- (never before it exists, should an ERP date a document after its due date)
        case
            when effective_due_date < issue_date then issue_date
            else {{ finance_add_days('effective_due_date', 1) }}
        end as overdue_from_date,
        gross_amount,
        signed_amount,
        currency,
        payment_reference,
        applies_to_document_id
    from dated
)

{{ keyed_projection_rows(since, 'final', 'touched', 'document_id') }}

-- The open-item state per document: every document issued by the as-of date whose
-- movements up to then leave an open amount other than zero, with what was paid of it.
-- Credit notes are negative open items until applied. fct_open_items lays the day's
-- ageing, statuses and rates over it.
--
-- Kept as a keyed projection by document (macros/keyed_projection.sql): a day
-- re-projects the documents int_documents_issued or int_document_movements re-projected
-- since (their key log); a document settled since leaves it.
{%- set reads = ['int_documents_issued', 'int_document_movements'] %}
{%- set since = keyed_projection('document_id', reads=reads) %}

with
{%- if since is not none %}

touched as (
    {{ keyed_projection_logged(since, reads, 'document_id') }}
),
{%- endif %}

documents as (
    select * exclude (_projected_on) from {{ ref('int_documents_issued') }}
    {%- if since is not none %}
    where document_id in (select document_id from touched)
    {%- endif %}
),

movements as (
    select * from {{ ref('int_document_movements') }}
    {%- if since is not none %}
    where document_id in (select document_id from touched)
    {%- endif %}
),

paid as (
    select
        document_id,
        -- applications reduce the receivable: paid is their negated sum (for a credit
        -- note the amount applied to invoices, negative like the credit note itself)
        -sum(movement_amount) as paid_amount
    from movements
    where movement_type <> 'issue'
    group by document_id
),

balances as (
    select
        documents.*,
        documents.signed_amount as amount,
        coalesce(paid.paid_amount, 0) as paid_amount,
        documents.signed_amount - coalesce(paid.paid_amount, 0) as open_amount
    from documents
    left join paid
        on paid.document_id = documents.document_id
),

open_documents as (
    select * from balances
    where open_amount <> 0
)

{{ keyed_projection_rows(since, 'open_documents', 'touched', 'document_id') }}

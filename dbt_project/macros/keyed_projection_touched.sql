{#- Which keys a keyed projection (macros/keyed_projection.sql) re-projects in a step from
    its last build `since`: one home for each rule, shared by the projections of a key.
    Each expands to a select of the key; a key listed in error costs a re-projection, a
    key missed would keep a stale row, so each rule names every input its projections
    read that can change. A model using one declares the refs it reads with a
    `-- depends_on:` comment (dbt does not see refs in a branch it does not parse). -#}

{#- Documents: a version of them arrived in a file known since, or they were issued since
    (an as-of projection holds the documents issued by the as-of date). -#}
{% macro documents_touched(since) -%}
    select document_id
    from {{ ref('stg_erp__document_versions') }}
    where _file_seq > {{ since.file_seq }}
        and _file_seq <= {{ known_file_seq() }}
    union
    select document_id
    from {{ ref('stg_erp__documents') }}
    where issue_date > {{ since.as_of_date }}
        and issue_date <= {{ as_of_date() }}
{%- endmacro %}

{#- Payments as delivered (bank credits and ERP-cleared payments): a bank file or an ERP
    version of them known since, or their payment date since. -#}
{% macro payments_touched(since) -%}
    select bank_transaction_id as payment_id
    from {{ ref('stg_bank__transactions') }}
    where file_seq > {{ since.file_seq }}
        or booking_date > {{ since.as_of_date }} and booking_date <= {{ as_of_date() }}
    union
    select payment_id
    from {{ ref('stg_erp__payment_versions') }}
    where _file_seq > {{ since.file_seq }}
        and _file_seq <= {{ known_file_seq() }}
    union
    select payment_id
    from {{ ref('stg_erp__payments') }}
    where payment_date > {{ since.as_of_date }}
        and payment_date <= {{ as_of_date() }}
{%- endmacro %}

{#- Payment decisions (int_payments_posted, versions kept as state): a version decided or
    superseded after the last build's day, or a payment dated since. What that day decided
    was decided before the build (the decisions come first in the day's run), and a re-run
    of the day projects every key (keyed_projection_since), so rows a re-run takes back are
    never missed here. -#}
{% macro payment_decisions_touched(since) -%}
    select payment_id
    from {{ ref('int_payments_posted') }}
    where decided_on > {{ since.as_of_date }}
        or superseded_on > {{ since.as_of_date }}
        or payment_date > {{ since.as_of_date }} and payment_date <= {{ as_of_date() }}
{%- endmacro %}

{#- Cash allocations (int_payment_allocations_posted, insert-only): the payments with a row
    posted after the last build's day (posted before it, as the decisions), or with a
    posting dated since. -#}
{% macro cash_postings_touched(since) -%}
    select payment_id
    from {{ ref('int_payment_allocations_posted') }}
    where posted_on > {{ since.as_of_date }}
        or posting_date > {{ since.as_of_date }} and posting_date <= {{ as_of_date() }}
{%- endmacro %}

{#- Credit-note set-offs (int_credit_note_applications_posted, insert-only): both documents
    of a set-off posted after the last build's day, or with a posting dated since. -#}
{% macro credit_note_postings_touched(since) -%}
    {%- set posted -%}
        from {{ ref('int_credit_note_applications_posted') }}
        where posted_on > {{ since.as_of_date }}
            or posting_date > {{ since.as_of_date }} and posting_date <= {{ as_of_date() }}
    {%- endset -%}
    select document_id {{ posted }}
    union
    select credit_note_id as document_id {{ posted }}
{%- endmacro %}

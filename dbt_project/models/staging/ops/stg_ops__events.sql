-- Both ways operational events arrive (bulk CRM files and the app) as one entity: the
-- same columns, told apart by event_origin. Bulk events carry no currency; their amounts
-- are in the document's or customer's currency.
with

bulk_source as (
    select * from {{ source('raw', 'ops__events') }}
),

app_source as (
    select * from {{ source('raw', 'ops__app_events') }}
),

bulk_latest as (
    {{ latest_version('bulk_source', 'event_id') }}
),

bulk as (
    select
        event_id,
        "at" as event_at,
        actor,
        customer_id,
        nullif(trim(document_id), '') as document_id,
        type as event_type,
        amount,
        cast(null as varchar) as currency,
        "until" as until_date,
        text as event_text,
        cast(null as varchar) as reference,
        'bulk_file' as event_origin,
        _source_file as source_file
    from bulk_latest
),

app as (
    select
        event_id,
        "at" as event_at,
        actor,
        customer_id,
        nullif(trim(document_id), '') as document_id,
        type as event_type,
        amount,
        currency,
        "until" as until_date,
        text as event_text,
        reference,
        'app' as event_origin,
        cast(null as varchar) as source_file
    from app_source
),

final as (
    select * from bulk
    union all
    select * from app
)

select * from final

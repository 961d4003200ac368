with

source as (
    select * from {{ source('raw', 'ops__events') }}
),

latest as (
    select * from source
    {{ latest_version('event_id') }}
),

final as (
    select
        event_id,
        "at" as event_at,
        actor,
        customer_id,
        nullif(trim(document_id), '') as document_id,
        type as event_type,
        amount,
        "until" as until_date,
        text as event_text,
        'bulk_file' as event_origin,
        _source_file as source_file
    from latest
)

select * from final

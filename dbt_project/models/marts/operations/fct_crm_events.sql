-- Operational events that arrived in bulk files (a CRM's export), for the customer
-- timeline; the app's own events are read from the ops store, where they are written.

with

events as (
    select * from {{ ref('stg_ops__events') }}
),

final as (
    select
        cast(event_id as varchar) as event_id,
        event_at,
        cast(actor as varchar) as actor,
        cast(customer_id as varchar) as customer_id,
        cast(document_id as varchar) as document_id,
        cast(event_type as varchar) as event_type,
        cast(amount as decimal(18, 2)) as amount,
        cast(currency as varchar) as currency,
        until_date,
        cast(event_text as varchar) as event_text,
        cast(reference as varchar) as reference,
        cast(event_origin as varchar) as event_origin
    from events
    where event_origin = 'bulk_file'
)

select * from final

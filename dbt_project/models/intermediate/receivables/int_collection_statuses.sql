-- What the ops events say about collecting a document, or a whole customer when an
-- event has no document_id, as of the as-of date. Scopes are independent: a document is
-- in dispute if its own latest dispute event opened one, or its customer's latest
-- customer-wide one did (fct_open_items combines both). For the latest event of each
-- kind, ties on the timestamp go to the event that stops dunning (dispute_opened,
-- dunning_block), then to the larger event_id. Which event sets which status, and which
-- stops dunning, is the seed event_statuses (written from core/events.py).

with

events as (
    select * from {{ ref('stg_ops__events') }}
),

statuses as (
    select * from {{ ref('event_statuses') }}
),

scoped as (
    select
        events.customer_id,
        events.document_id,
        events.customer_id || ':' || coalesce(events.document_id, '*') as scope_id,
        events.event_id,
        events.event_at,
        events.event_type,
        events.amount,
        events.until_date,
        statuses.status_kind,
        case when statuses.stops_dunning then 1 else 0 end as stops_dunning
    from events
    inner join statuses
        on statuses.event_type = events.event_type
    where cast(events.event_at as date) <= {{ as_of_date() }}
        -- the statuses this model reports (payment plans are the dunning run's)
        and statuses.status_kind in ('dispute', 'promise', 'block')
),

ranked as (
    select
        *,
        row_number() over (
            partition by scope_id, status_kind
            order by event_at desc, stops_dunning desc, event_id desc
        ) as recency
    from scoped
),

latest as (
    select * from ranked
    where recency = 1
),

scopes as (
    select distinct
        scope_id,
        customer_id,
        document_id
    from scoped
),

final as (
    select
        scopes.scope_id,
        scopes.customer_id,
        scopes.document_id,
        scopes.document_id is null as is_customer_wide,
        coalesce(dispute.event_type = 'dispute_opened', false) as is_disputed,
        case when dispute.event_type = 'dispute_opened' then dispute.event_at end as dispute_opened_at,
        promise.event_at as latest_promise_at,
        promise.until_date as latest_promise_until_date,
        cast(promise.amount as decimal(18, 2)) as latest_promise_amount,
        coalesce(
            block.event_type = 'dunning_block'
            and (block.until_date is null or block.until_date >= {{ as_of_date() }}),
            false
        ) as is_dunning_blocked,
        case when block.event_type = 'dunning_block' then block.event_at end as dunning_blocked_at,
        case when block.event_type = 'dunning_block' then block.until_date end as dunning_blocked_until_date
    from scopes
    left join latest as dispute
        on dispute.scope_id = scopes.scope_id
        and dispute.status_kind = 'dispute'
    left join latest as promise
        on promise.scope_id = scopes.scope_id
        and promise.status_kind = 'promise'
    left join latest as block
        on block.scope_id = scopes.scope_id
        and block.status_kind = 'block'
)

select * from final

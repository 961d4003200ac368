-- The dunning level each document reached by what the dunning engine actually sent
-- (its action ledger in the ops store, one row per document and day sent), as of the
-- as-of date: a notice sent after it does not count, so a past as-of date reproduces
-- that day's levels.

with

levels as (
    select * from {{ ref('stg_ops__dunning_levels') }}
),

final as (
    select
        document_id,
        max(dunning_level) as dunning_level,
        max(last_dunned_date) as last_dunned_date
    from levels
    where last_dunned_date <= {{ as_of_date() }}
    group by document_id
)

select * from final

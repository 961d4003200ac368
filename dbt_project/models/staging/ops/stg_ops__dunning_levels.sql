with

source as (
    select * from {{ source('raw', 'ops__dunning_levels') }}
),

final as (
    select
        document_id,
        dunning_level,
        last_dunned_date
    from source
)

select * from final

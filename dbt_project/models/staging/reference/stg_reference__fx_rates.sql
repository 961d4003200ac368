with

source as (
    select * from {{ source('raw', 'reference__fx_rates') }}
),

final as (
    select
        rate_date,
        currency,
        units_per_eur
    from source
)

select * from final

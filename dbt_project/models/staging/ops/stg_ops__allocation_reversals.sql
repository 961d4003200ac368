with

source as (
    select * from {{ source('raw', 'ops__allocation_reversals') }}
),

final as (
    select
        reversal_id,
        "at" as requested_at,
        actor,
        payment_id,
        document_id,
        posting_date,
        reason
    from source
)

select * from final

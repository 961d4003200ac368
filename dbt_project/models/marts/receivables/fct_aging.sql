-- The aging of every customer's open items on the as-of date, in the reporting
-- currency: one row per bucket that holds at least one open item of the customer.

with

open_items as (
    select * from {{ ref('fct_open_items') }}
),

summed as (
    select
        as_of_date,
        customer_id,
        aging_bucket,
        reporting_currency,
        sum(open_amount_reporting) as open_amount_reporting,
        count(*) as items
    from open_items
    group by
        as_of_date,
        customer_id,
        aging_bucket,
        reporting_currency
),

final as (
    select
        as_of_date,
        cast(customer_id as varchar) as customer_id,
        cast(aging_bucket as varchar) as aging_bucket,
        cast({{ aging_bucket_order('aging_bucket') }} as integer) as aging_bucket_order,
        cast(reporting_currency as varchar) as reporting_currency,
        cast(open_amount_reporting as decimal(18, 2)) as open_amount_reporting,
        cast(items as integer) as items
    from summed
)

select * from final

with

source as (
    select * from {{ source('raw', 'bureau__reports') }}
),

latest as (
    {{ latest_version('source', "customer_id || ':' || bureau || ':' || cast(report_date as varchar)") }}
),

final as (
    select
        customer_id || ':' || bureau || ':' || cast(report_date as varchar) as bureau_report_id,
        customer_id,
        vat_id,
        bureau,
        report_date,
        score,
        score_scale,
        rating_class,
        probability_of_default,
        recommended_limit as recommended_limit_amount,
        coalesce(insolvency, false) as is_insolvent,
        negative_features,
        _file_seq,
        _row_number,
        _source_file as source_file
    from latest
)

select * from final

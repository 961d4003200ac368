{%- set higher_is_better = risk_parameter('higher_is_better_scales') -%}

with

bureau_reports as (
    select * from {{ ref('stg_bureau__reports') }}
),

reports_known as (
    select * from bureau_reports
    where
        customer_id is not null
        and report_date <= {{ as_of_date() }}
),

reports_ranked as (
    select
        reports_known.*,
        row_number() over (
            partition by customer_id
            order by report_date desc, _file_seq desc, _row_number desc, bureau
        ) as customer_report_rank,
        row_number() over (
            partition by customer_id, bureau
            order by report_date desc, _file_seq desc, _row_number desc
        ) as bureau_report_rank
    from reports_known
),

-- insolvent when any bureau's latest report says so: one bureau lagging behind another
-- does not lift the flag
insolvency_flagged as (
    select
        customer_id,
        max(case when is_insolvent then 1 else 0 end) = 1 as is_insolvent,
        count(*) as bureau_count
    from reports_ranked
    where bureau_report_rank = 1
    group by customer_id
),

latest_reports as (
    select * from reports_ranked
    where customer_report_rank = 1
),

-- "100-600 (lower is better)": the range before any parenthesis, the direction from the
-- words when the bureau gives them, else from the risk parameter higher_is_better_scales
scales_split as (
    select
        latest_reports.*,
        replace({{ dbt.split_part("coalesce(score_scale, '')", "'('", 1) }}, ' ', '') as scale_range,
        lower(coalesce(score_scale, '')) as scale_text
    from latest_reports
),

scales_parsed as (
    select
        scales_split.*,
        {{ risk_try_cast_number(dbt.split_part('scale_range', "'-'", 1)) }} as scale_start,
        {{ risk_try_cast_number(dbt.split_part('scale_range', "'-'", 2)) }} as scale_end,
        trim(coalesce(negative_features, '')) as negative_features_trimmed,
        case
            when scale_text like '%higher is better%' or scale_text like '%lower is worse%' then true
            when scale_text like '%lower is better%' or scale_text like '%higher is worse%' then false
            else scale_range in (
                {%- for scale in higher_is_better %}'{{ scale }}'{{ ', ' if not loop.last }}{% endfor -%}
            )
        end as is_higher_better
    from scales_split
),

final as (
    select
        scales_parsed.customer_id,
        scales_parsed.bureau_report_id,
        scales_parsed.bureau,
        scales_parsed.report_date,
        scales_parsed.score,
        scales_parsed.score_scale,
        scales_parsed.rating_class,
        scales_parsed.probability_of_default,
        scales_parsed.recommended_limit_amount,
        insolvency_flagged.is_insolvent,
        scales_parsed.is_insolvent as is_insolvent_in_latest_report,
        insolvency_flagged.bureau_count,
        nullif(scales_parsed.negative_features_trimmed, '') as negative_features,
        case
            when lower(scales_parsed.negative_features_trimmed) in ('', '[]', '-', 'none', 'keine', 'null')
                then 0
            else
                length(scales_parsed.negative_features_trimmed)
                - length(replace(replace(replace(
                    scales_parsed.negative_features_trimmed, ',', ''), ';', ''), '|', ''))
                + 1
        end as negative_feature_count,
        -- 0 = best end of the scale, 1 = worst; null when the scale is not "<number>-<number>"
        cast(case
            when scales_parsed.score is null
                or scales_parsed.scale_start is null
                or scales_parsed.scale_end is null
                or scales_parsed.scale_end <= scales_parsed.scale_start
                then null
            when scales_parsed.is_higher_better
                then least(1, greatest(0,
                    (scales_parsed.scale_end - scales_parsed.score)
                    / (scales_parsed.scale_end - scales_parsed.scale_start)))
            else least(1, greatest(0,
                (scales_parsed.score - scales_parsed.scale_start)
                / (scales_parsed.scale_end - scales_parsed.scale_start)))
        end as decimal(5, 4)) as score_badness
    from scales_parsed
    inner join insolvency_flagged
        on scales_parsed.customer_id = insolvency_flagged.customer_id
)

select * from final

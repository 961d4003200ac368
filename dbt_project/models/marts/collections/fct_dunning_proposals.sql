with

steps_due as (
    select * from {{ ref('int_dunning_steps_due') }}
),

interest_accrued as (
    select * from {{ ref('int_open_items_interest_accrued') }}
),

dunning_steps as (
    select * from {{ ref('dunning_steps') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

as_of_rates as (
    select
        currency,
        units_per_eur
    from fx_rates
    where rate_date = {{ as_of_date() }}
),

-- the flat fee of §288(5) is claimed once per claim: with the procedure's first written
-- dunning step (level 1 or above, not a phone call)
first_written_steps as (
    select
        procedure,
        min(step_number) as first_written_step_number
    from dunning_steps
    where level >= 1 and channel <> 'phone'
    group by procedure
),

priced as (
    select
        steps_due.*,
        steps_due.stop_reason is not null as is_stopped,
        -- a dunning step claims interest and fees once the debtor is in default: a
        -- business with the due date; a consumer only after the first dunning notice,
        -- which puts them in default (§286(1) BGB)
        steps_due.step_level >= 1
            and (upper(steps_due.customer_type) = 'B2B' or steps_due.dunning_level >= 1)
            as claims_default_costs,
        -- with the first written step; whether the party owes it at all (German law: a
        -- business) is the law's, in interest_accrued.flat_fee_amount
        steps_due.step_number = first_written_steps.first_written_step_number
            as claims_flat_fee,
        coalesce(interest_accrued.flat_fee_amount, 0) as law_flat_fee_amount,
        interest_accrued.document_id is not null as has_interest_span,
        interest_accrued.interest_amount as accrued_interest_amount,
        interest_accrued.interest_days,
        coalesce(interest_accrued.is_base_rate_missing, false) as is_base_rate_missing,
        as_of_rates.units_per_eur
    from steps_due
    left join first_written_steps
        on steps_due.procedure = first_written_steps.procedure
    left join interest_accrued
        on steps_due.document_id = interest_accrued.document_id
        and steps_due.law_code = interest_accrued.law_code
    left join as_of_rates
        on steps_due.currency = as_of_rates.currency
),

amounts as (
    select
        *,
        case
            when is_stopped or not claims_default_costs or not has_interest_span
                then cast(0 as decimal(18, 2))
            else accrued_interest_amount
        end as interest,
        case
            when is_stopped or not claims_default_costs then cast(0 as decimal(18, 2))
            else cast(round(step_fee_amount * units_per_eur, 2) as decimal(18, 2))
        end as dunning_fee_amount,
        case
            when is_stopped or not claims_default_costs or not claims_flat_fee
                then cast(0 as decimal(18, 2))
            else cast(round(law_flat_fee_amount * units_per_eur, 2) as decimal(18, 2))
        end as flat_fee_amount
    from priced
),

described as (
    select
        *,
        case
            when step_level = 0 and days_past_due < -1
                then 'reminder due: due in ' || cast(-days_past_due as varchar) || ' days'
            when step_level = 0 and days_past_due = -1 then 'reminder due: due tomorrow'
            when step_level = 0 and days_past_due = 0 then 'reminder due: due today'
            when step_level = 0 then 'reminder due: ' || cast(days_past_due as varchar)
                || case when days_past_due = 1 then ' day' else ' days' end || ' past due'
            else 'level ' || cast(step_level as varchar) || ' due: '
                || cast(days_past_due as varchar)
                || case when days_past_due = 1 then ' day' else ' days' end || ' past due'
        end || ' (offset ' || cast(offset_days as varchar) || ')' as due_text,
        case stop_reason
            when 'insolvency' then 'insolvency reported by a credit bureau (latest report '
                || coalesce(cast(bureau_report_date as varchar), 'undated')
                || '); file the claim with the insolvency administrator'
            when 'dispute' then 'the document is disputed'
            when 'blocked' then 'dunning is blocked'
            when 'promise' then 'payment promised until ' || cast(promised_until as varchar)
            when 'below_minimum' then cast(open_amount_reporting as varchar)
                || ' EUR open is below the step minimum of '
                || cast(step_min_amount as varchar) || ' EUR'
            when 'recent_contact' then 'last contact ' || cast(last_contact_date as varchar)
                || ', ' || cast(days_since_last_contact as varchar) || ' of '
                || cast(min_days_since_last_contact as varchar) || ' days waited'
        end as stop_text
    from amounts
),

final as (
    select
        document_id || ':' || procedure || ':' || cast(step_number as varchar)
            || case when is_stopped then ':stop' else '' end as dunning_proposal_id,
        {{ as_of_date() }} as as_of_date,
        customer_id,
        document_id,
        case when is_stopped then 'stop' else step_action end as action,
        cast(step_level as integer) as level,
        case when is_stopped then null else step_channel end as channel,
        case when is_stopped then null else template end as template,
        open_amount as amount_due,
        interest,
        cast(dunning_fee_amount + flat_fee_amount as decimal(18, 2)) as fees,
        dunning_fee_amount,
        flat_fee_amount,
        currency,
        cast(round(open_amount / units_per_eur, 2) as decimal(18, 2)) as amount_due_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        case when is_stopped then false else step_requires_approval end as requires_approval,
        case
            when is_stopped then 'stop (' || stop_reason || ': ' || stop_text || '): ' || due_text
            else due_text
        end as reason,
        procedure,
        cast(step_number as integer) as step_number,
        cast(offset_days as integer) as offset_days,
        cast(days_past_due as integer) as days_past_due,
        due_date,
        cast(dunning_level as integer) as current_dunning_level,
        is_stopped,
        stop_reason,
        is_base_rate_missing,
        interest_days
    from described
)

select * from final

with

open_items as (
    select * from {{ ref('fct_open_items') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

dunning_steps as (
    select * from {{ ref('dunning_steps') }}
),

ops_events as (
    select * from {{ ref('stg_ops__events') }}
),

open_invoices as (
    select
        open_items.document_id,
        open_items.customer_id,
        customers.customer_type,
        -- a customer without a procedure gets the default of its type
        coalesce(
            customers.dunning_procedure,
            case when upper(customers.customer_type) = 'B2C' then 'consumer' else 'standard_b2b' end
        ) as procedure,
        -- the ERP due date, or issue date + 30 days where it has none
        open_items.effective_due_date as due_date,
        open_items.currency,
        open_items.open_amount,
        open_items.open_amount_reporting,
        -- signed (fct_open_items stops at 0): negative before the due date, for reminders
        {{ legal_days_between('open_items.effective_due_date', as_of_date()) }} as days_past_due,
        coalesce(open_items.dunning_level, 0) as dunning_level,
        open_items.last_dunned_date,
        coalesce(open_items.in_dispute, false) as in_dispute,
        open_items.promised_until,
        coalesce(open_items.dunning_blocked, false) as dunning_blocked,
        -- insolvency in the latest report of any credit bureau (dim_customers)
        coalesce(customers.is_insolvent, false) as is_insolvent,
        customers.bureau_report_date
    from open_items
    left join customers
        on open_items.customer_id = customers.customer_id
    where
        open_items.document_type = 'invoice'
        and open_items.open_amount > 0
),

-- steps whose offset is reached and that lie above the level the document has; the
-- friendly pre-due reminder (level 0) only while nothing was sent (no level, no date of
-- a last dunning) and the document is not yet due
reached_steps as (
    select
        open_invoices.*,
        dunning_steps.step_number,
        dunning_steps.level as step_level,
        dunning_steps.offset_days,
        dunning_steps.action as step_action,
        dunning_steps.channel as step_channel,
        cast(dunning_steps.fee_amount as decimal(18, 2)) as step_fee_amount,
        dunning_steps.requires_approval as step_requires_approval,
        cast(dunning_steps.min_amount as decimal(18, 2)) as step_min_amount,
        dunning_steps.min_days_since_last_contact,
        dunning_steps.template,
        -- the law of the procedure: its interest and flat fee (int_open_items_interest_accrued)
        dunning_steps.law as law_code,
        row_number() over (
            partition by open_invoices.document_id order by dunning_steps.step_number
        ) as step_rank
    from open_invoices
    inner join dunning_steps
        on open_invoices.procedure = dunning_steps.procedure
    where
        dunning_steps.offset_days <= open_invoices.days_past_due
        and (
            dunning_steps.level > open_invoices.dunning_level
            or (
                dunning_steps.level = 0
                and open_invoices.dunning_level = 0
                and open_invoices.last_dunned_date is null
                and open_invoices.days_past_due <= 0
            )
        )
),

-- only the immediate next step, however many are overdue: one level per run
next_steps as (
    select * from reached_steps
    where step_rank = 1
),

contacts as (
    select
        customer_id,
        max(cast(event_at as date)) as last_contact_date
    from ops_events
    where
        event_type in ('note', 'promise', 'payment_plan')
        and cast(event_at as date) <= {{ as_of_date() }}
    group by customer_id
),

-- the last contact: the last dunning of the document, or the customer's last note,
-- promise or payment plan, whichever is later
last_contacts as (
    select
        next_steps.*,
        case
            when contacts.last_contact_date is null then next_steps.last_dunned_date
            when next_steps.last_dunned_date is null then contacts.last_contact_date
            when next_steps.last_dunned_date > contacts.last_contact_date
                then next_steps.last_dunned_date
            else contacts.last_contact_date
        end as last_contact_date
    from next_steps
    left join contacts
        on next_steps.customer_id = contacts.customer_id
),

with_context as (
    select
        *,
        {{ legal_days_between('last_contact_date', as_of_date()) }} as days_since_last_contact
    from last_contacts
),

-- the first stop that applies, in this order
final as (
    select
        *,
        case
            when is_insolvent then 'insolvency'
            when in_dispute then 'dispute'
            when dunning_blocked then 'blocked'
            when promised_until >= {{ as_of_date() }} then 'promise'
            when open_amount_reporting < step_min_amount then 'below_minimum'
            when days_since_last_contact < min_days_since_last_contact then 'recent_contact'
        end as stop_reason
    from with_context
)

select * from final

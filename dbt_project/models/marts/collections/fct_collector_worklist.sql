with

proposals as (
    select * from {{ ref('fct_dunning_proposals') }}
),

open_items as (
    select * from {{ ref('fct_open_items') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

collection_statuses as (
    select * from {{ ref('int_collection_statuses') }}
),

document_statuses as (
    select * from collection_statuses
    where not is_customer_wide
),

customer_statuses as (
    select * from collection_statuses
    where is_customer_wide
),

open_invoices as (
    select
        open_items.document_id,
        open_items.customer_id,
        open_items.effective_due_date as due_date,
        open_items.open_amount_reporting,
        {{ legal_days_between('open_items.effective_due_date', as_of_date()) }} as days_past_due,
        coalesce(open_items.in_dispute, false) as in_dispute,
        open_items.promised_until,
        coalesce(open_items.dunning_blocked, false) as dunning_blocked,
        -- the latest promise covering the document, its own or customer-wide, also when
        -- its date has passed (fct_open_items.promised_until keeps only running ones)
        case
            when document_statuses.latest_promise_at is not null
                and (
                    customer_statuses.latest_promise_at is null
                    or document_statuses.latest_promise_at >= customer_statuses.latest_promise_at
                )
                then document_statuses.latest_promise_until_date
            else customer_statuses.latest_promise_until_date
        end as latest_promise_until_date,
        case
            when document_statuses.is_disputed
                then cast(document_statuses.dispute_opened_at as date)
        end as document_dispute_opened_date
    from open_items
    left join document_statuses
        on open_items.document_id = document_statuses.document_id
    left join customer_statuses
        on open_items.customer_id = customer_statuses.customer_id
    where
        open_items.document_type = 'invoice'
        and open_items.open_amount > 0
),

insolvent_customers as (
    select customer_id
    from customers
    where is_insolvent
),

customer_disputes as (
    select
        customer_id,
        cast(dispute_opened_at as date) as dispute_opened_date
    from customer_statuses
    where is_disputed
),

-- one task per customer and kind unless a task is about one document
approve_dunning as (
    select
        'approve_dunning' as task,
        customer_id,
        cast(null as varchar) as document_id,
        sum(amount_due_reporting) as amount_at_stake,
        max(days_past_due) as max_days_past_due,
        min(due_date) as oldest_due_date,
        count(*) as item_count,
        'approve ' || cast(count(*) as varchar) || ' dunning proposal(s), up to level '
            || cast(max(level) as varchar) as reason
    from proposals
    where
        not is_stopped
        and requires_approval
        and channel <> 'phone'
    group by customer_id
),

phone_step as (
    select
        'phone_step' as task,
        customer_id,
        cast(null as varchar) as document_id,
        sum(amount_due_reporting) as amount_at_stake,
        max(days_past_due) as max_days_past_due,
        min(due_date) as oldest_due_date,
        count(*) as item_count,
        'dunning call (level ' || cast(max(level) as varchar) || ') due for '
            || cast(count(*) as varchar) || ' document(s)' as reason
    from proposals
    where
        not is_stopped
        and channel = 'phone'
    group by customer_id
),

follow_up_broken_promise as (
    select
        'follow_up_broken_promise' as task,
        customer_id,
        cast(null as varchar) as document_id,
        sum(open_amount_reporting) as amount_at_stake,
        max(days_past_due) as max_days_past_due,
        min(due_date) as oldest_due_date,
        count(*) as item_count,
        'payment promised until ' || cast(max(latest_promise_until_date) as varchar)
            || ' not received: '
            || cast(count(*) as varchar) || ' document(s) still open' as reason
    from open_invoices
    where latest_promise_until_date < {{ as_of_date() }}
    group by customer_id
),

-- a dispute of one document is a task about that document; a customer-wide dispute
-- one task about all the customer's open invoices
resolve_document_dispute as (
    select
        'resolve_dispute' as task,
        customer_id,
        document_id,
        open_amount_reporting as amount_at_stake,
        days_past_due as max_days_past_due,
        due_date as oldest_due_date,
        1 as item_count,
        'dispute open since ' || cast(document_dispute_opened_date as varchar) || ' ('
            || cast({{ legal_days_between('document_dispute_opened_date', as_of_date()) }}
                as varchar)
            || ' days)' as reason
    from open_invoices
    where {{ legal_days_between('document_dispute_opened_date', as_of_date()) }} > 14
),

resolve_customer_dispute as (
    select
        'resolve_dispute' as task,
        open_invoices.customer_id,
        cast(null as varchar) as document_id,
        sum(open_invoices.open_amount_reporting) as amount_at_stake,
        max(open_invoices.days_past_due) as max_days_past_due,
        min(open_invoices.due_date) as oldest_due_date,
        count(*) as item_count,
        'customer-wide dispute open since '
            || cast(max(customer_disputes.dispute_opened_date) as varchar) || ' ('
            || cast(max({{ legal_days_between('customer_disputes.dispute_opened_date', as_of_date()) }})
                as varchar)
            || ' days)' as reason
    from open_invoices
    inner join customer_disputes
        on open_invoices.customer_id = customer_disputes.customer_id
    where {{ legal_days_between('customer_disputes.dispute_opened_date', as_of_date()) }} > 14
    group by open_invoices.customer_id
),

customer_exposure as (
    select
        customer_id,
        max(days_past_due) as max_days_past_due,
        min(due_date) as oldest_due_date,
        count(*) as item_count
    from open_invoices
    group by customer_id
),

review_credit_limit as (
    select
        'review_credit_limit' as task,
        customers.customer_id,
        cast(null as varchar) as document_id,
        customers.open_amount_reporting - customers.credit_limit_reporting as amount_at_stake,
        coalesce(customer_exposure.max_days_past_due, 0) as max_days_past_due,
        customer_exposure.oldest_due_date,
        coalesce(customer_exposure.item_count, 0) as item_count,
        cast(customers.open_amount_reporting as varchar) || ' EUR open over a credit limit of '
            || cast(customers.credit_limit_reporting as varchar) || ' EUR' as reason
    from customers
    left join customer_exposure
        on customers.customer_id = customer_exposure.customer_id
    where customers.is_over_limit
),

file_insolvency_claim as (
    select
        'file_insolvency_claim' as task,
        open_invoices.customer_id,
        cast(null as varchar) as document_id,
        sum(open_invoices.open_amount_reporting) as amount_at_stake,
        max(open_invoices.days_past_due) as max_days_past_due,
        min(open_invoices.due_date) as oldest_due_date,
        count(*) as item_count,
        'customer insolvent: file ' || cast(count(*) as varchar)
            || ' open document(s) with the insolvency administrator' as reason
    from open_invoices
    inner join insolvent_customers
        on open_invoices.customer_id = insolvent_customers.customer_id
    group by open_invoices.customer_id
),

-- a call about everything more than 30 days overdue that nothing else holds up, unless
-- another call task for the customer exists already
call_overdue as (
    select
        'call_overdue' as task,
        open_invoices.customer_id,
        cast(null as varchar) as document_id,
        sum(open_invoices.open_amount_reporting) as amount_at_stake,
        max(open_invoices.days_past_due) as max_days_past_due,
        min(open_invoices.due_date) as oldest_due_date,
        count(*) as item_count,
        cast(count(*) as varchar) || ' document(s) more than 30 days overdue, oldest '
            || cast(max(open_invoices.days_past_due) as varchar) || ' days' as reason
    from open_invoices
    left join insolvent_customers
        on open_invoices.customer_id = insolvent_customers.customer_id
    where
        open_invoices.days_past_due > 30
        and not open_invoices.in_dispute
        and not open_invoices.dunning_blocked
        and not coalesce(open_invoices.promised_until >= {{ as_of_date() }}, false)
        and insolvent_customers.customer_id is null
        and open_invoices.customer_id not in (select customer_id from phone_step)
        and open_invoices.customer_id not in (select customer_id from follow_up_broken_promise)
    group by open_invoices.customer_id
),

tasks as (
    select * from approve_dunning
    union all
    select * from phone_step
    union all
    select * from follow_up_broken_promise
    union all
    select * from resolve_document_dispute
    union all
    select * from resolve_customer_dispute
    union all
    select * from review_credit_limit
    union all
    select * from file_insolvency_claim
    union all
    select * from call_overdue
),

-- priority: points for the amount at stake (EUR: >= 10,000 -> 3, >= 1,000 -> 2,
-- >= 100 -> 1) plus points for the days past due (>= 90 -> 3, >= 60 -> 2, >= 30 -> 1);
-- 5-6 points -> priority 1, 4 -> 2, 3 -> 3, 1-2 -> 4, 0 -> 5
scored as (
    select
        *,
        case
            when amount_at_stake >= 10000 then 3
            when amount_at_stake >= 1000 then 2
            when amount_at_stake >= 100 then 1
            else 0
        end
        + case
            when max_days_past_due >= 90 then 3
            when max_days_past_due >= 60 then 2
            when max_days_past_due >= 30 then 1
            else 0
        end as priority_points
    from tasks
),

prioritised as (
    select
        *,
        case
            when priority_points >= 5 then 1
            when priority_points = 4 then 2
            when priority_points = 3 then 3
            when priority_points >= 1 then 4
            else 5
        end as priority
    from scored
),

final as (
    select
        prioritised.task || ':' || prioritised.customer_id
            || coalesce(':' || prioritised.document_id, '') as worklist_task_id,
        {{ as_of_date() }} as as_of_date,
        coalesce(customers.collector, 'unassigned') as collector,
        prioritised.customer_id,
        prioritised.document_id,
        cast(prioritised.priority as integer) as priority,
        prioritised.task,
        cast(prioritised.amount_at_stake as decimal(18, 2)) as amount_at_stake,
        '{{ var("reporting_currency") }}' as reporting_currency,
        prioritised.reason,
        -- to be done within 0 / 1 / 3 / 7 / 14 days by priority 1 / 2 / 3 / 4 / 5
        {{ legal_add_days(as_of_date(),
            'case prioritised.priority when 1 then 0 when 2 then 1 when 3 then 3 when 4 then 7 else 14 end') }}
            as due_date,
        cast(prioritised.max_days_past_due as integer) as max_days_past_due,
        prioritised.oldest_due_date,
        cast(prioritised.item_count as integer) as item_count,
        cast(prioritised.priority_points as integer) as priority_points
    from prioritised
    left join customers
        on prioritised.customer_id = customers.customer_id
)

select * from final

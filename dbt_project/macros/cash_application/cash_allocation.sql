{#- Set-based allocation building blocks of cash application, written as CTE lists so
    a model can use them on its own CTEs (no loops, no cross joins). -#}

{#- Subset search: for every payment, the subsets of up to four of its candidate open
    items whose open amounts add up exactly to the payment amount.

    `candidates` is a CTE with one row per (payment_id, item_rank) carrying amount (the
    payment's), document_id and open_amount (> 0); item_rank is 1..n within the payment
    (n is capped by the caller). Emits the CTEs
      <prefix>_pairs, <prefix>_subsets, <prefix>_counts, <prefix>_unique
    where <prefix>_counts has one row per payment with subset_count (0 when nothing
    fits) and <prefix>_unique one row per (payment_id, document_id) of the payments with
    exactly one fitting subset (subset_size, applied_amount = the item's open amount).
    Sizes 3 and 4 are found by equi-joins on the missing amount (singles x pairs,
    pairs x pairs), so the work per payment grows with n^2, not n^4. -#}
{% macro cash_subset_search_ctes(prefix, candidates) -%}
{{ prefix }}_pairs as (
    select
        first_item.payment_id,
        first_item.amount,
        first_item.item_rank as rank_1,
        second_item.item_rank as rank_2,
        first_item.open_amount + second_item.open_amount as pair_amount
    from {{ candidates }} as first_item
    inner join {{ candidates }} as second_item
        on first_item.payment_id = second_item.payment_id
        and first_item.item_rank < second_item.item_rank
    where first_item.open_amount + second_item.open_amount <= first_item.amount
),

{{ prefix }}_subsets as (
    select
        payment_id,
        1 as subset_size,
        item_rank as rank_1,
        cast(null as integer) as rank_2,
        cast(null as integer) as rank_3,
        cast(null as integer) as rank_4
    from {{ candidates }}
    where open_amount = amount

    union all

    select
        payment_id,
        2 as subset_size,
        rank_1,
        rank_2,
        cast(null as integer) as rank_3,
        cast(null as integer) as rank_4
    from {{ prefix }}_pairs
    where pair_amount = amount

    union all

    select
        single.payment_id,
        3 as subset_size,
        single.item_rank as rank_1,
        pair.rank_1 as rank_2,
        pair.rank_2 as rank_3,
        cast(null as integer) as rank_4
    from {{ candidates }} as single
    inner join {{ prefix }}_pairs as pair
        on single.payment_id = pair.payment_id
        and pair.pair_amount = single.amount - single.open_amount
    where single.item_rank < pair.rank_1

    union all

    select
        low_pair.payment_id,
        4 as subset_size,
        low_pair.rank_1,
        low_pair.rank_2,
        high_pair.rank_1 as rank_3,
        high_pair.rank_2 as rank_4
    from {{ prefix }}_pairs as low_pair
    inner join {{ prefix }}_pairs as high_pair
        on low_pair.payment_id = high_pair.payment_id
        and high_pair.pair_amount = low_pair.amount - low_pair.pair_amount
    where low_pair.rank_2 < high_pair.rank_1
),

{{ prefix }}_counts as (
    select
        payments.payment_id,
        count(subsets.payment_id) as subset_count
    from (select distinct payment_id from {{ candidates }}) as payments
    left join {{ prefix }}_subsets as subsets
        on payments.payment_id = subsets.payment_id
    group by payments.payment_id
),

{{ prefix }}_unique as (
    select
        candidates.payment_id,
        candidates.document_id,
        subsets.subset_size,
        candidates.open_amount as applied_amount
    from {{ prefix }}_subsets as subsets
    inner join {{ prefix }}_counts as counts
        on subsets.payment_id = counts.payment_id
        and counts.subset_count = 1
    inner join {{ candidates }} as candidates
        on subsets.payment_id = candidates.payment_id
        and candidates.item_rank in (subsets.rank_1, subsets.rank_2, subsets.rank_3, subsets.rank_4)
)
{%- endmacro %}


{#- Two-sided FIFO: within each allocation_key, payments (in payment_order) are laid
    end to end on one line by cumulative amount, open items (in item_order) on another;
    a payment applies to an item exactly the overlap of their intervals. Computed from
    the sorted interval ends (breakpoints): each stretch between two breakpoints belongs
    to the first payment and the first item ending at or after it. Sort-based, so it
    scales with n log n and needs no range join.

    `payments`: allocation_key, payment_id, payment_order (unique, sortable), amount > 0.
    `items`: allocation_key, document_id, item_order (unique, sortable), open_amount > 0.
    Emits CTEs ending in <prefix>_applied: (allocation_key, payment_id, document_id,
    applied_amount > 0). What a payment does not get applied is its amount minus the sum. -#}
{% macro cash_fifo_ctes(prefix, payments, items) -%}
{{ prefix }}_payment_ends as (
    select
        allocation_key,
        payment_id,
        sum(amount) over (
            partition by allocation_key order by payment_order
            rows between unbounded preceding and current row
        ) as interval_end
    from {{ payments }}
),

{{ prefix }}_item_ends as (
    select
        allocation_key,
        document_id,
        sum(open_amount) over (
            partition by allocation_key order by item_order
            rows between unbounded preceding and current row
        ) as interval_end
    from {{ items }}
    where allocation_key in (select allocation_key from {{ payments }})
),

{{ prefix }}_breakpoints as (
    select allocation_key, interval_end as breakpoint from {{ prefix }}_payment_ends
    union
    select allocation_key, interval_end as breakpoint from {{ prefix }}_item_ends
),

{{ prefix }}_stretches as (
    select
        breakpoints.allocation_key,
        breakpoints.breakpoint,
        breakpoints.breakpoint - coalesce(
            lag(breakpoints.breakpoint) over (
                partition by breakpoints.allocation_key order by breakpoints.breakpoint
            ),
            0
        ) as stretch_amount,
        payment_ends.interval_end as payment_end,
        item_ends.interval_end as item_end
    from {{ prefix }}_breakpoints as breakpoints
    left join {{ prefix }}_payment_ends as payment_ends
        on breakpoints.allocation_key = payment_ends.allocation_key
        and breakpoints.breakpoint = payment_ends.interval_end
    left join {{ prefix }}_item_ends as item_ends
        on breakpoints.allocation_key = item_ends.allocation_key
        and breakpoints.breakpoint = item_ends.interval_end
),

{{ prefix }}_covered as (
    select
        allocation_key,
        stretch_amount,
        min(payment_end) over (
            partition by allocation_key order by breakpoint desc
            rows between unbounded preceding and current row
        ) as payment_end,
        min(item_end) over (
            partition by allocation_key order by breakpoint desc
            rows between unbounded preceding and current row
        ) as item_end
    from {{ prefix }}_stretches
),

{{ prefix }}_applied as (
    select
        covered.allocation_key,
        payment_ends.payment_id,
        item_ends.document_id,
        sum(covered.stretch_amount) as applied_amount
    from {{ prefix }}_covered as covered
    inner join {{ prefix }}_payment_ends as payment_ends
        on covered.allocation_key = payment_ends.allocation_key
        and covered.payment_end = payment_ends.interval_end
    inner join {{ prefix }}_item_ends as item_ends
        on covered.allocation_key = item_ends.allocation_key
        and covered.item_end = item_ends.interval_end
    group by covered.allocation_key, payment_ends.payment_id, item_ends.document_id
)
{%- endmacro %}


{#- The queue of an invoice's explicit consumers (int_named_claims_settled).

    `claims`: one row per (payment, invoice) named, with consumer_id, allocation_route,
    consumer_date, consumer_amount, document_id, issue_date, due_date, gross_amount,
    match_method, confidence and expected_amount (what the payment may expect of the
    invoice). `credit_notes`: the credit-note consumers in the output shape.
    Emits <prefix>_wants (the payment spread over its invoices oldest due first, each up
    to expected_amount) and <prefix>_settled: one row per consumer and invoice with
    settled_amount (what the invoice gave it after the consumers before it, in time order;
    named_returned payments take nothing from others), settled_before (what the invoice
    gave the consumers before it) and paid_before (what it gave payments before it). -#}
{% macro cash_named_queue_ctes(prefix, claims, credit_notes) -%}
{{ prefix }}_wants as (
    select
        'payment' as consumer_type,
        consumer_id,
        allocation_route,
        document_id,
        consumer_date,
        0 as same_day_rank,
        consumer_amount,
        expected_amount,
        least(
            expected_amount,
            greatest(
                consumer_amount - coalesce(sum(expected_amount) over (
                    partition by consumer_id
                    order by due_date, issue_date, document_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as wanted_amount,
        match_method,
        confidence,
        issue_date,
        gross_amount
    from {{ claims }}
),

{{ prefix }}_queued as (
    select
        *,
        coalesce(sum(case when allocation_route = 'named_returned' then 0 else wanted_amount end) over (
            partition by document_id
            order by
                case when allocation_route = 'named_returned' then 1 else 0 end,
                consumer_date,
                same_day_rank,
                consumer_id
            rows between unbounded preceding and 1 preceding
        ), 0) as wanted_before,
        coalesce(sum(case when consumer_type = 'payment' and allocation_route = 'named' then wanted_amount else 0 end) over (
            partition by document_id
            order by
                case when allocation_route = 'named_returned' then 1 else 0 end,
                consumer_date,
                same_day_rank,
                consumer_id
            rows between unbounded preceding and 1 preceding
        ), 0) as paid_wanted_before
    from (
        select * from {{ prefix }}_wants
        union all
        select * from {{ credit_notes }}
    ) as consumers
),

{{ prefix }}_settled as (
    select
        *,
        case
            when allocation_route = 'named_returned' then wanted_amount
            else least(wanted_amount, greatest(gross_amount - wanted_before, 0))
        end as settled_amount,
        least(wanted_before, gross_amount) as settled_before,
        least(paid_wanted_before, gross_amount) as paid_before
    from {{ prefix }}_queued
)
{%- endmacro %}

{#- The invoices the day's payments are allocated to (int_invoices_to_allocate), with
    gross_amount standing for what is left of it for them: the gross amount less what the
    standing payments of the posted ledger hold on it. -#}
{% macro cash_invoices_to_allocate() -%}
    select * replace (greatest(gross_amount - coalesce(held_amount, 0), 0) as gross_amount)
    from {{ ref('int_invoices_to_allocate') }}
{%- endmacro %}

-- One row per bank payment decided on the as-of date (int_payments_to_identify) whose
-- payer could be identified as one customer, with how:
--   beneficiary_name   the text says whom the payment is for ("... für Müller GmbH",
--                      "for", "pour", "voor") and that name is one customer's (as below)
--   iban               the payer IBAN is the customer's known account (payer_iban of
--                      stg_erp__customers) and no other customer's
--   customer_reference the text names the customer number ("C10001", "Kd-Nr. 10001")
--   learned_iban       the payments from this IBAN known so far (today's, and the standing
--                      ones as they were decided: int_payments_teaching_ibans) named only
--                      this customer's invoices, by exact reference, or by document number
--                      in a payment other than this one
--   name               the payer name, normalised without legal forms, is similar to
--                      exactly one customer's (similarity >= name_similarity_threshold,
--                      the runner-up at least name_similarity_margin lower)
-- in that order of precedence (the beneficiary first: the text says explicitly whose
-- debt is paid, whoever's account it comes from). Names are compared only within blocks
-- that share the first three letters of the name or of its alphabetically sorted words
-- (no cross join).
with

payments as (
    select * from {{ ref('int_payments_to_identify') }}
),

teaching_ibans as (
    select * from {{ ref('int_payments_teaching_ibans') }}
),

customers as (
    select * from {{ ref('stg_erp__customers') }}
),

-- the customers' numbers and names as derived once per version (int_customer_keys)
customer_keys as (
    select customer_keys.*
    from {{ ref('int_customer_keys') }} as customer_keys
    inner join customers
        on customer_keys.customer_id = customers.customer_id
        and customer_keys.version_file_seq = customers.version_file_seq
),

payment_references as (
    select payment_references.*
    from {{ ref('int_payment_references_extracted') }} as payment_references
    inner join payments
        on payment_references.payment_id = payments.payment_id
),

resolved as (
    select * from {{ ref('int_payment_references_resolved') }}
),

invoices as (
    select * from {{ ref('int_invoices_keyed') }}
),

bank_payments as (
    select
        payment_id,
        payer_iban,
        payer_name,
        remittance_text
    from payments
    where payment_source = 'bank'
        and not is_returned_outgoing
),

customer_ibans as (
    select
        upper(replace(payer_iban, ' ', '')) as iban,
        min(customer_id) as customer_id
    from customers
    where payer_iban is not null
    group by upper(replace(payer_iban, ' ', ''))
    having count(distinct customer_id) = 1
),

by_iban as (
    select
        bank_payments.payment_id,
        customer_ibans.customer_id,
        'iban' as identified_by,
        2 as identification_rank
    from bank_payments
    inner join customer_ibans
        on bank_payments.payer_iban = customer_ibans.iban
),

customer_numbers as (
    select
        customer_id,
        customer_key,
        customer_digits
    from customer_keys
),

customer_digit_keys as (
    select
        cast(cast(customer_digits as bigint) as varchar) as digit_key,
        min(customer_id) as customer_id
    from customer_numbers
    where length(customer_digits) between 1 and 18
    group by cast(cast(customer_digits as bigint) as varchar)
    having count(*) = 1
),

customer_reference_hits as (
    select
        payment_references.payment_id,
        customer_numbers.customer_id
    from payment_references
    inner join customer_numbers
        on payment_references.reference_value = customer_numbers.customer_key
    where payment_references.reference_kind = 'token'
        -- a plain word only counts as a customer number when the number has letters
        -- and digits ("C10001"), not when it could be any amount or date
        and {{ cash_regexp_like('customer_numbers.customer_key', "'[A-Z]'") }}
        and {{ cash_regexp_like('customer_numbers.customer_key', "'[0-9]'") }}

    union all

    select
        payment_references.payment_id,
        customer_digit_keys.customer_id
    from payment_references
    inner join customer_digit_keys
        on payment_references.reference_value = customer_digit_keys.digit_key
    where payment_references.reference_kind = 'customer_number'
),

by_customer_reference as (
    select
        payment_id,
        min(customer_id) as customer_id,
        'customer_reference' as identified_by,
        3 as identification_rank
    from customer_reference_hits
    group by payment_id
    having count(distinct customer_id) = 1
),

-- today's payments' certain matches, and those the standing payments were decided with
certain_matches as (
    select
        bank_payments.payer_iban,
        invoices.customer_id,
        resolved.payment_id,
        resolved.match_strength
    from resolved
    inner join invoices
        on resolved.document_id = invoices.document_id
    inner join bank_payments
        on resolved.payment_id = bank_payments.payment_id
    where resolved.match_strength in ('exact', 'verbatim')
        and bank_payments.payer_iban is not null

    union all

    select
        payer_iban,
        customer_id,
        payment_id,
        match_strength
    from teaching_ibans
),

-- an IBAN learns the one customer whose invoices its payments named: from one exact
-- reference, or from a document number in another payment (a payment's own number may
-- be a typo naming someone else's invoice, so it never confirms itself)
learned_ibans as (
    select
        payer_iban as iban,
        min(customer_id) as customer_id,
        count(case when match_strength = 'exact' then 1 end) as exact_matches,
        count(distinct payment_id) as teaching_payments
    from certain_matches
    group by payer_iban
    having count(distinct customer_id) = 1
),

by_learned_iban as (
    select
        bank_payments.payment_id,
        learned_ibans.customer_id,
        'learned_iban' as identified_by,
        4 as identification_rank
    from bank_payments
    inner join learned_ibans
        on bank_payments.payer_iban = learned_ibans.iban
    where learned_ibans.exact_matches > 0
        or learned_ibans.teaching_payments > case
            when bank_payments.payment_id in (select payment_id from certain_matches) then 1
            else 0
        end
),

-- the payer's name counts only for payments the steps above left unidentified; the
-- beneficiary named in the text ("für ...") for every payment
names_to_match as (
    select
        payment_id,
        'name' as identified_by,
        5 as identification_rank,
        {{ cash_normalise_name('payer_name') }} as normalised_name
    from bank_payments
    where payer_name is not null
        and payment_id not in (select payment_id from by_iban)
        and payment_id not in (select payment_id from by_customer_reference)
        and payment_id not in (select payment_id from by_learned_iban)

    union all

    select
        payment_id,
        'beneficiary_name' as identified_by,
        1 as identification_rank,
        {{ cash_normalise_name(cash_regexp_extract(
            "' ' || lower(remittance_text)",
            "'^.* (?:für|fuer|for|pour|voor) (.*)$'",
            1
        )) }} as normalised_name
    from bank_payments
    where remittance_text is not null
),

payer_names as (
    select distinct normalised_name
    from names_to_match
    where normalised_name is not null
),

payer_name_forms as (
    select
        normalised_name,
        {{ cash_sort_words('normalised_name') }} as sorted_name
    from payer_names
    where length(normalised_name) >= {{ cash_parameter('name_min_length') }}
),

customer_name_forms as (
    select
        customer_id,
        normalised_name,
        sorted_name
    from customer_keys
    where length(normalised_name) >= {{ cash_parameter('name_min_length') }}
),

name_pairs as (
    select
        payer_name_forms.normalised_name as payer_normalised_name,
        payer_name_forms.sorted_name as payer_sorted_name,
        customer_name_forms.customer_id,
        customer_name_forms.normalised_name as customer_normalised_name,
        customer_name_forms.sorted_name as customer_sorted_name
    from payer_name_forms
    inner join customer_name_forms
        on substring(payer_name_forms.normalised_name, 1, 3)
            = substring(customer_name_forms.normalised_name, 1, 3)

    -- the pairs of the second block that the first did not already hold (disjoint, so
    -- no distinct over millions of pairs is needed)
    union all

    select
        payer_name_forms.normalised_name as payer_normalised_name,
        payer_name_forms.sorted_name as payer_sorted_name,
        customer_name_forms.customer_id,
        customer_name_forms.normalised_name as customer_normalised_name,
        customer_name_forms.sorted_name as customer_sorted_name
    from payer_name_forms
    inner join customer_name_forms
        on substring(payer_name_forms.sorted_name, 1, 3)
            = substring(customer_name_forms.sorted_name, 1, 3)
        and substring(payer_name_forms.normalised_name, 1, 3)
            <> substring(customer_name_forms.normalised_name, 1, 3)
),

name_scores as (
    select
        payer_normalised_name,
        customer_id,
        greatest(
            {{ cash_name_similarity('payer_normalised_name', 'customer_normalised_name') }},
            {{ cash_name_similarity('payer_sorted_name', 'customer_sorted_name') }}
        ) as similarity
    from name_pairs
),

-- only pairs that could decide (win, or come within the margin of a winner) are
-- ranked: a pair below threshold - margin can neither pass the threshold nor block a
-- winner, so dropping it first leaves the outcome unchanged and the ranking small
-- (the 1e-6 keeps pairs a rounding of the double similarity could put on either side)
name_ranked as (
    select
        payer_normalised_name,
        customer_id,
        similarity,
        row_number() over (
            partition by payer_normalised_name order by similarity desc, customer_id
        ) as similarity_rank,
        lead(similarity) over (
            partition by payer_normalised_name order by similarity desc, customer_id
        ) as runner_up_similarity
    from name_scores
    where similarity >= {{ cash_parameter('name_similarity_threshold') }}
        - {{ cash_parameter('name_similarity_margin') }} - 0.000001
),

name_identified as (
    select
        payer_normalised_name,
        customer_id,
        cast(similarity as decimal(5, 4)) as name_similarity
    from name_ranked
    where similarity_rank = 1
        and similarity >= {{ cash_parameter('name_similarity_threshold') }}
        and coalesce(runner_up_similarity, 0)
            <= similarity - {{ cash_parameter('name_similarity_margin') }}
),

by_name as (
    select
        names_to_match.payment_id,
        name_identified.customer_id,
        names_to_match.identified_by,
        names_to_match.identification_rank
    from names_to_match
    inner join name_identified
        on names_to_match.normalised_name = name_identified.payer_normalised_name
),

all_identifications as (
    select * from by_iban
    union all
    select * from by_customer_reference
    union all
    select * from by_learned_iban
    union all
    select * from by_name
),

final as (
    select
        payment_id,
        customer_id,
        identified_by
    from (
        select
            *,
            row_number() over (
                partition by payment_id order by identification_rank
            ) as precedence
        from all_identifications
    ) as ranked
    where precedence = 1
)

select * from final

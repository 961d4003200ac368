-- Parsed once per bank credit, whatever its date: what the remittance text and the
-- references of every booked credit (own returns excepted) name. The readings depend on
-- the payment alone, so the model is incremental: a build looks only at the credits from
-- raw files later than the last one it parsed (file_seq, the watermark: files are numbered
-- in arrival order) and parses those it has not parsed yet or whose text changed; or all
-- of them when the parser itself changed (parser_version; input_fingerprint hashes the
-- inputs with the rendered SQL of the parser). Each
-- parsed credit also gets one row of kind 'parsed', so a credit without any reference
-- is not parsed again either. int_payment_references_extracted keeps the credits
-- booked by the as-of date.
--
-- One row per reference a bank payment carries, in a form that joins on the keys of
-- int_invoices_keyed and stg_erp__customers (reference_kind says which):
--   structured_reference  the structured (creditor) reference, compact
--   rf_reference          an RF creditor reference written in the text, spaces removed
--   token                 a word of the text or the end-to-end id that contains a digit
--   year_number           a document number read as year + sequence ("RE 2025-000123",
--                         "Rg.Nr. 2025/123", "2025000123"): reference_value "2025-123"
--   credit_note_number    a credit-note number, read the same way ("GS-2025-000007": "2025-7")
--   sequence_number       a number without year after an invoice word ("Rg.Nr. 123") or
--                         zero-padded ("000123"): reference_value "123"
--   customer_number       the digits after a customer-number word ("Kd-Nr. 10001")
--   invoice_date          the date of "Rechnung vom 24.06.2025", "invoice dated 17/02/2026",
--                         "facture du ...", "factuur van ...": reference_value "2025-06-24"
-- A number is read from windows of up to three words ending in it; of the windows that
-- parse, the one with a year wins, then the one whose prefix is a known word: invoice
-- words ("RE", "Rg.Nr.", "Rechnung", "INV", "Invoice", "Facture"...), credit-note words
-- ("GS", "Gutschrift", "CN", "Avoir"), customer words ("Kd-Nr.") and order words
-- ("Auftrag", "PO", "LS") — so "GS 2025-000012" is a credit note, never invoice
-- RE-2025-000012, and "Kd-Nr. 10001" never an invoice number.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='payment_id',
    on_schema_change='sync_all_columns'
) }}

{%- set year_pattern = "'^([A-Z][A-Z.:#/-]*)?((?:19|20)[0-9][0-9])[-./]?([0-9]{1,8})$'" %}
{%- set prefixed_pattern = "'^([A-Z][A-Z.:#/-]*)([0-9]{1,8})$'" %}
{%- set padded_pattern = "'^(0[0-9]{3,7})$'" %}
{%- set parser %}
bank_payments as (
    select
        payment_id,
        structured_reference,
        end_to_end_id,
        -- umlauts spelt out, accents dropped, upper case; only letters, digits and the
        -- separators a document number is written with survive, everything else splits
        trim({{ cash_regexp_replace_all(
            cash_regexp_replace_all(
                cash_strip_accents(
                    "replace(replace(replace(replace(upper(coalesce(remittance_text, '') || ' ' || coalesce(structured_reference, '')), 'Ä', 'AE'), 'Ö', 'OE'), 'Ü', 'UE'), 'ß', 'SS')"
                ),
                "'[^A-Z0-9.:#/-]+'",
                "' '"
            ),
            "' +'",
            "' '"
        ) }}) as search_text
    from to_parse
),

raw_words as (
    {{ cash_words_to_rows('bank_payments', ['payment_id'], 'search_text') }}
),

words as (
    select
        payment_id,
        token_position,
        {{ cash_regexp_replace_all(
            cash_regexp_replace_all('token', "'^[.:#/-]+'", "''"),
            "'[.:#/-]+$'",
            "''"
        ) }} as token
    from raw_words
),

words_in_context as (
    select
        payment_id,
        token_position,
        token,
        lead(token, 1) over (partition by payment_id order by token_position) as next_1,
        lead(token, 2) over (partition by payment_id order by token_position) as next_2,
        lead(token, 3) over (partition by payment_id order by token_position) as next_3,
        lead(token, 4) over (partition by payment_id order by token_position) as next_4,
        lead(token, 5) over (partition by payment_id order by token_position) as next_5,
        lead(token, 6) over (partition by payment_id order by token_position) as next_6,
        {{ cash_regexp_like('token', "'^RF[0-9][0-9]'") }} as is_rf_start,
        length(token) <= 4 and {{ cash_regexp_like('token', "'^[A-Z0-9]+$'") }} as is_short_group
    from words
    where token <> ''
),

-- the groups of four after "RFnn" belong to the creditor reference, not to a number
words_marked as (
    select
        *,
        max(case when is_rf_start then token_position end) over (
            partition by payment_id order by token_position
            rows between unbounded preceding and current row
        ) as last_rf_start,
        max(case when not is_short_group and not is_rf_start then token_position end) over (
            partition by payment_id order by token_position
            rows between unbounded preceding and current row
        ) as last_long_word
    from words_in_context
),

number_words as (
    select
        payment_id,
        token_position,
        token,
        row_number() over (partition by payment_id order by token_position) as word_index,
        lag(token, 1) over (partition by payment_id order by token_position) as previous_1,
        lag(token, 2) over (partition by payment_id order by token_position) as previous_2
    from words_marked
    where not (
        last_rf_start is not null
        and coalesce(last_long_word, 0) < last_rf_start
        and token_position - last_rf_start <= 6
    )
),

-- windows of one to three words ending in a word that holds a digit
windows as (
    select payment_id, token_position, word_index, 1 as window_size, token as window_text
    from number_words
    where {{ cash_regexp_like('token', "'[0-9]'") }}

    union all

    select payment_id, token_position, word_index, 2 as window_size, previous_1 || token as window_text
    from number_words
    where previous_1 is not null
        and {{ cash_regexp_like('token', "'[0-9]'") }}

    union all

    select payment_id, token_position, word_index, 3 as window_size, previous_2 || previous_1 || token as window_text
    from number_words
    where previous_2 is not null
        and {{ cash_regexp_like('token', "'[0-9]'") }}
),


parsed_windows as (
    select
        payment_id,
        token_position,
        word_index,
        window_size,
        window_text,
        case
            when {{ cash_regexp_like('window_text', year_pattern) }} then 'year'
            when {{ cash_regexp_like('window_text', prefixed_pattern) }} then 'sequence'
            when window_size = 1 and {{ cash_regexp_like('window_text', padded_pattern) }} then 'sequence'
        end as number_form,
        case
            when {{ cash_regexp_like('window_text', year_pattern) }}
                then coalesce({{ cash_regexp_extract('window_text', year_pattern, 1) }}, '')
            when {{ cash_regexp_like('window_text', prefixed_pattern) }}
                then {{ cash_regexp_extract('window_text', prefixed_pattern, 1) }}
            else ''
        end as prefix_text,
        case
            when {{ cash_regexp_like('window_text', year_pattern) }}
                then {{ cash_regexp_extract('window_text', year_pattern, 2) }}
        end as number_year,
        case
            when {{ cash_regexp_like('window_text', year_pattern) }}
                then {{ cash_regexp_extract('window_text', year_pattern, 3) }}
            when {{ cash_regexp_like('window_text', prefixed_pattern) }}
                then {{ cash_regexp_extract('window_text', prefixed_pattern, 2) }}
            else {{ cash_regexp_extract('window_text', padded_pattern, 1) }}
        end as number_sequence
    from windows
),

classified_windows as (
    select
        *,
        case
            when prefix_letters = '' then 'none'
            when prefix_letters in (
                'RE', 'RG', 'RGNR', 'RENR', 'RGN', 'RNR', 'RECH', 'RECHN', 'RECHNR', 'RECHNNR',
                'RECHNUNG', 'RECHNUNGNR', 'RECHNUNGSNR', 'RECHNUNGNUMMER', 'RECHNUNGSNUMMER',
                'RECHNUNGEN', 'RGNUMMER', 'NR', 'NO', 'NUM', 'NUMMER', 'NUMBER', 'N',
                'INV', 'INVNO', 'INVNR', 'INVOICE', 'INVOICENO', 'INVOICENR', 'INVOICENUMBER',
                'INVOICES', 'FACTURE', 'FACTURES', 'FACT', 'FACTNO', 'FACTURENO', 'FACTURENR',
                'FACTUUR', 'FACTUURNR', 'FACTUURNUMMER', 'FACTUREN', 'FAKTURA', 'FA', 'FRA',
                'REF', 'REFNR', 'REFERENZ', 'REFERENCE', 'BILL', 'BELEG', 'BELEGNR'
            ) then 'invoice'
            when {{ cash_regexp_like('prefix_letters', "'^(GS|GUTSCHR|CN|CRN|CREDIT|AVOIR|CREDITNOTA)'") }}
                then 'credit_note'
            when {{ cash_regexp_like('prefix_letters', "'^(KD|KUND|KNR|CUST|CLIENT|KLANT|DEB|ACCOUNT|ACCT|KONTO)'") }}
                then 'customer'
            when {{ cash_regexp_like('prefix_letters', "'^(AUFTRAG|AUFTR|BESTELL|BEST|ORDER|PO|LS|LIEFER|DELIVERY|KOMM|ANGEBOT|VERTRAG|CONTRACT|MANDAT|MNDT|COMMANDE|BESTELLING)'") }}
                then 'order'
            else 'other'
        end as prefix_class
    from (
        select
            *,
            {{ cash_regexp_replace_all('prefix_text', "'[^A-Z]'", "''") }} as prefix_letters
        from parsed_windows
        where number_form is not null
    ) as parsed
),

-- one reading per number (the word it ends in): year form first, then a known prefix
-- (the longest window), then none, then an unknown word (the shortest window)
chosen_numbers as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by payment_id, token_position
                order by
                    case number_form when 'year' then 1 else 2 end,
                    case
                        when prefix_class in ('invoice', 'credit_note', 'customer', 'order') then 1
                        when prefix_class = 'none' then 2
                        else 3
                    end,
                    case
                        when prefix_class in ('invoice', 'credit_note', 'customer', 'order')
                            then -window_size
                        else window_size
                    end
            ) as reading_rank
        from classified_windows
    ) as ranked
    where reading_rank = 1
),

-- words another reading took as its prefix ("RE 2025 000123": "2025" is no number of
-- its own) are not read again
consumed_words as (
    select payment_id, word_index - 1 as word_index
    from chosen_numbers
    where window_size >= 2
    union
    select payment_id, word_index - 2 as word_index
    from chosen_numbers
    where window_size = 3
),

readings as (
    select chosen_numbers.*
    from chosen_numbers
    left join consumed_words
        on chosen_numbers.payment_id = consumed_words.payment_id
        and chosen_numbers.word_index = consumed_words.word_index
    where consumed_words.payment_id is null
),

-- a credit note the payer deducts ("RE-2025-000078 abzgl. GS-2025-000007") is read the
-- same way but kept apart, so it never names an invoice (int_credit_notes_deducted)
year_numbers as (
    select
        payment_id,
        case
            when prefix_class = 'credit_note' then 'credit_note_number' else 'year_number'
        end as reference_kind,
        {{ cash_number_key('number_year', 'number_sequence') }} as reference_value,
        prefix_letters,
        prefix_class,
        length(number_sequence) as sequence_length,
        token_position,
        window_text
    from readings
    where number_form = 'year'
        and prefix_class in ('invoice', 'none', 'other', 'credit_note')
),

sequence_numbers as (
    select
        payment_id,
        'sequence_number' as reference_kind,
        {{ cash_sequence_key('number_sequence') }} as reference_value,
        prefix_letters,
        prefix_class,
        length(number_sequence) as sequence_length,
        token_position,
        window_text
    from readings
    where number_form = 'sequence'
        and prefix_class in ('invoice', 'none')
        and cast(number_sequence as bigint) > 0
),

customer_numbers as (
    select
        payment_id,
        'customer_number' as reference_kind,
        cast(cast({{ cash_regexp_replace_all(
            cash_regexp_replace_all('window_text', "'^[A-Z.:#/-]*'", "''"),
            "'[^0-9]'",
            "''"
        ) }} as bigint) as varchar) as reference_value,
        prefix_letters,
        prefix_class,
        cast(null as integer) as sequence_length,
        token_position,
        window_text
    from readings
    where prefix_class = 'customer'
        and length({{ cash_regexp_replace_all(
            cash_regexp_replace_all('window_text', "'^[A-Z.:#/-]*'", "''"),
            "'[^0-9]'",
            "''"
        ) }}) between 1 and 18
),

tokens as (
    select
        payment_id,
        'token' as reference_kind,
        token as reference_value,
        cast(null as varchar) as prefix_letters,
        cast(null as varchar) as prefix_class,
        cast(null as integer) as sequence_length,
        token_position,
        token as window_text
    from words_in_context
    where length(token) >= 4
        and {{ cash_regexp_like('token', "'[0-9]'") }}

    union all

    select
        payment_id,
        'token' as reference_kind,
        upper(end_to_end_id) as reference_value,
        cast(null as varchar) as prefix_letters,
        cast(null as varchar) as prefix_class,
        cast(null as integer) as sequence_length,
        0 as token_position,
        end_to_end_id as window_text
    from bank_payments
    where end_to_end_id is not null
),

-- RF references are often written in groups of four: every run of up to seven words
-- starting at "RFnn" is a candidate, compared by equality with the document's reference
rf_starts as (
    select *
    from words_in_context
    where is_rf_start
),

rf_references as (
    select distinct
        payment_id,
        'rf_reference' as reference_kind,
        reference_value,
        cast(null as varchar) as prefix_letters,
        cast(null as varchar) as prefix_class,
        cast(null as integer) as sequence_length,
        token_position,
        reference_value as window_text
    from (
        select payment_id, token_position, token as reference_value from rf_starts
        union all
        select payment_id, token_position, token || next_1 from rf_starts where next_1 is not null
        union all
        select payment_id, token_position, token || next_1 || next_2 from rf_starts
        where next_2 is not null
        union all
        select payment_id, token_position, token || next_1 || next_2 || next_3 from rf_starts
        where next_3 is not null
        union all
        select payment_id, token_position, token || next_1 || next_2 || next_3 || next_4
        from rf_starts
        where next_4 is not null
        union all
        select payment_id, token_position, token || next_1 || next_2 || next_3 || next_4 || next_5
        from rf_starts
        where next_5 is not null
        union all
        select
            payment_id,
            token_position,
            token || next_1 || next_2 || next_3 || next_4 || next_5 || next_6
        from rf_starts
        where next_6 is not null
    ) as runs
    where length(reference_value) <= 25
),

-- "invoice of <date>": a date right after an invoice word and a date word
invoice_dates as (
    select
        payment_id,
        'invoice_date' as reference_kind,
        case
            when {{ cash_regexp_like('token', "'^[0-9]{1,2}[./][0-9]{1,2}[./](19|20)[0-9][0-9]$'") }}
                then {{ cash_regexp_extract('token', "'^([0-9]{1,2})[./]([0-9]{1,2})[./]((19|20)[0-9][0-9])$'", 3) }}
                    || '-' || lpad({{ cash_regexp_extract('token', "'^([0-9]{1,2})[./]([0-9]{1,2})[./]((19|20)[0-9][0-9])$'", 2) }}, 2, '0')
                    || '-' || lpad({{ cash_regexp_extract('token', "'^([0-9]{1,2})[./]([0-9]{1,2})[./]((19|20)[0-9][0-9])$'", 1) }}, 2, '0')
            else token
        end as reference_value,
        cast(null as varchar) as prefix_letters,
        cast(null as varchar) as prefix_class,
        cast(null as integer) as sequence_length,
        token_position,
        previous_2 || ' ' || previous_1 || ' ' || token as window_text
    from number_words
    where previous_1 in ('VOM', 'DATED', 'DATE', 'DATUM', 'DU', 'VAN', 'OF')
        and previous_2 in (
            'RECHNUNG', 'RG', 'RE', 'INVOICE', 'INV', 'FACTURE', 'FACT', 'FACTUUR', 'RECHNUNGEN'
        )
        and (
            {{ cash_regexp_like('token', "'^[0-9]{1,2}[./][0-9]{1,2}[./](19|20)[0-9][0-9]$'") }}
            or {{ cash_regexp_like('token', "'^(19|20)[0-9][0-9]-[0-9][0-9]-[0-9][0-9]$'") }}
        )
),

structured_references as (
    select
        payment_id,
        'structured_reference' as reference_kind,
        structured_reference as reference_value,
        cast(null as varchar) as prefix_letters,
        cast(null as varchar) as prefix_class,
        cast(null as integer) as sequence_length,
        0 as token_position,
        structured_reference as window_text
    from bank_payments
    where structured_reference is not null
),

references_found as (
    select * from structured_references
    union all
    select * from rf_references
    union all
    select * from tokens
    union all
    select * from year_numbers
    union all
    select * from sequence_numbers
    union all
    select * from customer_numbers
    union all
    select * from invoice_dates
)
{%- endset %}
{%- set output %}
final as (
    select
        references_found.*,
        to_parse.input_fingerprint,
        to_parse.file_seq
    from references_found
    inner join to_parse
        on references_found.payment_id = to_parse.payment_id

    union all

    select
        payment_id,
        'parsed' as reference_kind,
        cast(null as varchar) as reference_value,
        cast(null as varchar) as prefix_letters,
        cast(null as varchar) as prefix_class,
        cast(null as integer) as sequence_length,
        0 as token_position,
        cast(null as varchar) as window_text,
        input_fingerprint,
        file_seq
    from to_parse
)
{%- endset %}
{#- a change to the parser or to what it writes changes every fingerprint, so the next
    build parses every credit again: no manual full refresh after an upgrade #}
{%- set parser_version = local_md5(parser ~ output) %}

with

{%- if is_incremental() %}
-- the watermark: the latest raw file parsed, and the parser that parsed it (one version
-- for all rows, since a new parser parses everything again)
parsed_marks as (
    select
        coalesce(max(file_seq), -1) as parsed_file_seq,
        coalesce(min(parser_version) = '{{ parser_version }}' and max(parser_version) = '{{ parser_version }}', false)
            as same_parser
    from {{ this }}
),
{%- endif %}

bank_credits as (
    select
        payment_id,
        remittance_text,
        structured_reference,
        end_to_end_id,
        file_seq,
        {{ cash_fingerprint(["'" ~ parser_version ~ "'", 'remittance_text', 'structured_reference', 'end_to_end_id']) }}
            as input_fingerprint
    from {{ ref('int_bank_credits') }}
    where not is_returned_outgoing
    {%- if is_incremental() %}
        -- only credits from files later than the last one parsed (unless the parser changed)
        and (
            file_seq > (select parsed_file_seq from parsed_marks)
            or not (select same_parser from parsed_marks)
        )
    {%- endif %}
),

to_parse as (
    select *
    from bank_credits
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as parsed
        where parsed.payment_id = bank_credits.payment_id
            and parsed.input_fingerprint = bank_credits.input_fingerprint
    )
    {%- endif %}
),

{{ parser }},

{{ output }}
select *, '{{ parser_version }}' as parser_version from final

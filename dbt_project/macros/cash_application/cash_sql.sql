{#- Dialect-specific SQL used by cash application (CONVENTIONS.md: regular expressions,
    string similarity and list functions are dispatched). Patterns passed in are SQL
    string literals written without backslashes, so they read the same on every engine. -#}

{#- Replace every match of `pattern` (DuckDB replaces only the first without 'g'). -#}
{% macro cash_regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('cash_regexp_replace_all', 'forderwerk')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__cash_regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro postgres__cash_regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Spark SQL and Trino replace every match by default. -#}
{% macro default__cash_regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}


{#- True when `pattern` matches somewhere in the expression. -#}
{% macro cash_regexp_like(expression, pattern) -%}
    {{ return(adapter.dispatch('cash_regexp_like', 'forderwerk')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__cash_regexp_like(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro default__cash_regexp_like(expression, pattern) -%}
    regexp_like({{ expression }}, {{ pattern }})
{%- endmacro %}


{#- Capture group `group` of the first match, null when there is none or it is empty. -#}
{% macro cash_regexp_extract(expression, pattern, group) -%}
    {{ return(adapter.dispatch('cash_regexp_extract', 'forderwerk')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__cash_regexp_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, {{ pattern }}, {{ group }}), '')
{%- endmacro %}


{#- One row per space-separated word of `text_column`: the `key_columns` of `relation`
    plus `token` and its 1-based `token_position`. Empty words are dropped. -#}
{% macro cash_words_to_rows(relation, key_columns, text_column) -%}
    {{ return(adapter.dispatch('cash_words_to_rows', 'forderwerk')(relation, key_columns, text_column)) }}
{%- endmacro %}

{#- Standard SQL (PostgreSQL and others): unnest ... with ordinality. -#}
{% macro default__cash_words_to_rows(relation, key_columns, text_column) -%}
    select
        {% for column in key_columns %}split_words.{{ column }},
        {% endfor %}word.token,
        cast(word.token_position as integer) as token_position
    from (
        select
            {% for column in key_columns %}{{ column }},
            {% endfor %}string_split({{ text_column }}, ' ') as words
        from {{ relation }}
        where {{ text_column }} is not null
    ) as split_words
    cross join unnest(split_words.words) with ordinality as word (token, token_position)
    where word.token <> ''
{%- endmacro %}

{#- DuckDB: unnest and generate_subscripts side by side in one select list expand in
    lockstep. `unnest ... with ordinality` gives the same rows but, in DuckDB 2.0, through a
    lateral join: 1.24 s against 0.09 s for the 1.7 M words of 1 M invoices' bank payments. -#}
{% macro duckdb__cash_words_to_rows(relation, key_columns, text_column) -%}
    select
        {% for column in key_columns %}split_words.{{ column }},
        {% endfor %}split_words.token,
        cast(split_words.token_position as integer) as token_position
    from (
        select
            {% for column in key_columns %}{{ column }},
            {% endfor %}unnest(words) as token,
            generate_subscripts(words, 1) as token_position
        from (
            select
                {% for column in key_columns %}{{ column }},
                {% endfor %}string_split({{ text_column }}, ' ') as words
            from {{ relation }}
            where {{ text_column }} is not null
        ) as texts
    ) as split_words
    where split_words.token <> ''
{%- endmacro %}

{% macro trino__cash_words_to_rows(relation, key_columns, text_column) -%}
    select
        {% for column in key_columns %}split_words.{{ column }},
        {% endfor %}word.token,
        cast(word.token_position as integer) as token_position
    from (
        select
            {% for column in key_columns %}{{ column }},
            {% endfor %}split({{ text_column }}, ' ') as words
        from {{ relation }}
        where {{ text_column }} is not null
    ) as split_words
    cross join unnest(split_words.words) with ordinality as word (token, token_position)
    where word.token <> ''
{%- endmacro %}

{% macro spark__cash_words_to_rows(relation, key_columns, text_column) -%}
    select
        {% for column in key_columns %}split_words.{{ column }},
        {% endfor %}word.token,
        cast(word.position + 1 as integer) as token_position
    from (
        select
            {% for column in key_columns %}{{ column }},
            {% endfor %}split({{ text_column }}, ' ') as words
        from {{ relation }}
        where {{ text_column }} is not null
    ) as split_words
    lateral view posexplode(split_words.words) word as position, token
    where word.token <> ''
{%- endmacro %}


{#- Accented Latin letters to their base letter (umlauts are spelt out before this). -#}
{% macro cash_strip_accents(expression) -%}
    {{ return(adapter.dispatch('cash_strip_accents', 'forderwerk')(expression)) }}
{%- endmacro %}

{% macro duckdb__cash_strip_accents(expression) -%}
    strip_accents({{ expression }})
{%- endmacro %}

{% macro default__cash_strip_accents(expression) -%}
    translate(
        {{ expression }},
        'àáâãåèéêëìíîïòóôõùúûýÿçñÀÁÂÃÅÈÉÊËÌÍÎÏÒÓÔÕÙÚÛÝÇÑ',
        'aaaaaeeeeiiiiooooouuuyycnAAAAAEEEEIIIIOOOOUUUYCN'
    )
{%- endmacro %}


{#- The words of a space-separated string in alphabetical order ("weber anna" and
    "anna weber" compare equal), joined by single spaces. -#}
{% macro cash_sort_words(expression) -%}
    {{ return(adapter.dispatch('cash_sort_words', 'forderwerk')(expression)) }}
{%- endmacro %}

{% macro duckdb__cash_sort_words(expression) -%}
    array_to_string(list_sort(string_split({{ expression }}, ' ')), ' ')
{%- endmacro %}

{% macro default__cash_sort_words(expression) -%}
    array_join(array_sort(split({{ expression }}, ' ')), ' ')
{%- endmacro %}


{#- String similarity between 0 (nothing alike) and 1 (equal): Jaro-Winkler where the
    engine has it (DuckDB); elsewhere 1 - Levenshtein distance / longer length, which is
    stricter, so the same threshold errs on the side of not identifying a payer. -#}
{% macro cash_name_similarity(left, right) -%}
    {{ return(adapter.dispatch('cash_name_similarity', 'forderwerk')(left, right)) }}
{%- endmacro %}

{% macro duckdb__cash_name_similarity(left, right) -%}
    jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}

{% macro default__cash_name_similarity(left, right) -%}
    (1.0 - cast(levenshtein({{ left }}, {{ right }}) as double)
        / greatest(length({{ left }}), length({{ right }}), 1))
{%- endmacro %}

{% macro trino__cash_name_similarity(left, right) -%}
    (1.0 - cast(levenshtein_distance({{ left }}, {{ right }}) as double)
        / greatest(length({{ left }}), length({{ right }}), 1))
{%- endmacro %}


{#- A document number as prefix (group 1), four-digit year (group 2) and sequence (group 3):
    RE-2025-000563, re2025/563 and RE 2025 563 all split the same way. -#}
{% macro cash_document_number_pattern() -%}
    '^([A-Z]*)[^0-9]*((?:19|20)[0-9][0-9])[^0-9]*([0-9]{1,12})$'
{%- endmacro %}

{#- A sequence number without its leading zeros ("000563": "563"). -#}
{% macro cash_sequence_key(sequence) -%}
    cast(cast({{ sequence }} as bigint) as varchar)
{%- endmacro %}

{#- Year and sequence as the key documents and payments' references are matched on
    ("2025", "000563": "2025-563"); null when either is null. -#}
{% macro cash_number_key(year, sequence) -%}
    {{ year }} || '-' || {{ cash_sequence_key(sequence) }}
{%- endmacro %}

{#- The number key of a document number ("RE-2025-000563": "2025-563"); null when the
    number has no year and sequence. -#}
{% macro cash_document_number_key(expression) -%}
    {{ cash_number_key(
        cash_regexp_extract(expression, cash_document_number_pattern(), 2),
        cash_regexp_extract(expression, cash_document_number_pattern(), 3)
    ) }}
{%- endmacro %}
{#- A hash of several nullable text expressions that tells every combination apart
    (each value is written with its length, null as '-'): the fingerprint an incremental
    model compares to decide whether a row's inputs changed. -#}
{% macro cash_fingerprint(expressions) -%}
    md5(
    {%- for expression in expressions %}
        {%- if not loop.first %} || {% endif -%}
        case when {{ expression }} is null then '-' else cast(length({{ expression }}) as varchar) || ':' || {{ expression }} end
    {%- endfor -%}
    )
{%- endmacro %}

{#- The last raw file known on the as-of date, as a scalar subquery: every raw row with
    _file_seq up to it was known then. A file is known from its arrival day (the business
    day of the run that ingested it, raw.ingested_files.arrival_date); what arrived on the
    workspace's first day is a migration and counts as known since always, so a past as-of
    date on a workspace loaded at once shows the history it was given. With no files
    recorded (hand-made raw tables), everything is known.

    This is the inputs' watermark: a run for a past day reads the ERP, bureau and bank as
    they were known that day, as the posted cash ledger reads its posting dates. -#}
{% macro known_file_seq() -%}
(
    select coalesce(max(known.file_seq), 9223372036854775807)
    from (
        select
            file_seq,
            coalesce(arrival_date, cast(ingested_at as date)) as known_on
        from {{ source('raw', 'ingested_files') }}
    ) as known
    where known.known_on <= greatest(
        {{ as_of_date() }},
        (
            select min(coalesce(first.arrival_date, cast(first.ingested_at as date)))
            from {{ source('raw', 'ingested_files') }} as first
        )
    )
)
{%- endmacro %}

{#- Keyed projections: an as-of model kept as state and re-projected, day by day, only for
    the keys the day touched.

    An as-of model (the documents issued by the as-of date, ...) is a function of the as-of
    date and of what was known by then. From one day to the next only the rows of a few keys
    change: the documents whose ERP version changed, that were issued that day, that cash
    was posted to. A keyed projection keeps the rows of its last build and replaces, key by
    key, those the days since touched (delete the key's rows, insert its new ones, none if
    it left the projection). When a step is not safe it projects every key, as a table
    would: on its first build, after --full-refresh, for an as-of date not after its last
    build (a past day or the same day re-run), after the known raw files went backwards,
    and once after its SQL changed. The record of the last build
    (intermediate.projection_builds: as-of date, last raw file known then, the model's
    checksum) is written in the build's transaction.

    A model opts in with `{% set since = keyed_projection('<key>') %}` (its config and the
    build to step from): none when it projects every key, else the last build
    (since.as_of_date, since.file_seq as SQL literals), from which the model selects the
    touched keys (its CTE `touched`) and projects only those. It ends in
    keyed_projection_rows(). Each row carries _projected_on, the as-of date of the build
    that wrote it: the daily run's data tests look at those rows only (meta day_column),
    since a key's other rows were tested when they were written.

    Every build logs the keys it re-projected (intermediate.projection_keys; a build of
    every key logs one row with a null key), so a projection of projections needs no rule
    of its own: `keyed_projection('<key>', reads=[...])` steps only while the log of the
    projections it reads covers the days since its last build (kept
    projection_key_log_days, var, 40) with no build of every key among them, and takes
    their logged keys as touched (keyed_projection_logged). A projection whose rows are
    dated (`keyed_projection(..., dated='<date column>')`) also logs, per key, the earliest
    date among the rows that changed (replaced and not written again, or written anew):
    what reads it by date (a daily series) recomputes from the earliest changed date
    (keyed_projection_earliest). -#}

{#- A model's config as a keyed projection on `key`, and the build to step from (see
    keyed_projection_since). A new column is added before a changed model projects every
    key (dbt's on_schema_change; `fail` or this are what a contracted mart may use). -#}
{% macro keyed_projection(key, reads=[], dated=none) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='keyed_projection',
        unique_key=key,
        on_schema_change='append_new_columns',
        post_hook=keyed_projection_recorded(),
        meta={'keyed_projection_reads': reads, 'keyed_projection_dated': dated},
    ) }}
    {{ return(keyed_projection_since()) }}
{%- endmacro %}

{#- The bookkeeping table of the keyed projections' last builds. -#}
{% macro keyed_projection_builds() -%}
    {{ return(api.Relation.create(database=target.database, schema='intermediate', identifier='projection_builds')) }}
{%- endmacro %}

{#- The log of the keys each build re-projected (a null key: it projected every key). -#}
{% macro keyed_projection_log() -%}
    {{ return(api.Relation.create(database=target.database, schema='intermediate', identifier='projection_keys')) }}
{%- endmacro %}

{#- How many days the key log keeps: a projection of projections last built longer ago
    projects every key. -#}
{% macro keyed_projection_log_days() -%}
    {{ return(var('projection_key_log_days', 40) | int) }}
{%- endmacro %}

{#- The keys the projections `reads` re-projected since the build `since`, as a select of
    one column named `key` (varchar). -#}
{% macro keyed_projection_logged(since, reads, key) -%}
    select key_value as {{ key }}
    from {{ keyed_projection_log() }}
    where projection in ('{{ reads | join("', '") }}')
        and as_of_date > {{ since.as_of_date }}
{%- endmacro %}

{#- The earliest date among the rows the dated projections `reads` replaced or wrote
    since the build `since` (a scalar query; null when they changed nothing). -#}
{% macro keyed_projection_earliest(since, reads) -%}
    select min(earliest_date)
    from {{ keyed_projection_log() }}
    where projection in ('{{ reads | join("', '") }}')
        and as_of_date > {{ since.as_of_date }}
{%- endmacro %}

{#- The last build to step from (dict of SQL literals as_of_date and file_seq), or none:
    project every key. Read at execution; a step needs the record of this model's last
    build with the same code, for an earlier as-of date, with no more files known then than
    now. A re-run of the day of the last build projects every key: what a re-run takes back
    of that day's postings (int_payments_posted un-supersedes versions) is not told by key. -#}
{% macro keyed_projection_since() -%}
    {#- a unit test has no state (and no `this` to ask is_incremental about) -#}
    {%- if not execute or model.resource_type == 'unit_test' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set builds = keyed_projection_builds() -%}
    {%- if adapter.get_relation(database=builds.database, schema=builds.schema, identifier=builds.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = run_query(
        "select cast(as_of_date as varchar), file_seq from " ~ builds
        ~ " where projection = '" ~ this.identifier ~ "'"
        ~ " and code_checksum = '" ~ model.checksum.checksum ~ "'"
        ~ " and as_of_date < " ~ as_of_date()
        ~ " and file_seq <= " ~ known_file_seq()
    ) -%}
    {%- if found.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set reads = config.get('meta', {}).get('keyed_projection_reads', []) -%}
    {%- if reads -%}
        {#- the log must cover every day since, with no build of every key among them -#}
        {%- set gaps = run_query(
            "select (select count(*) from " ~ keyed_projection_log()
            ~ " where projection in ('" ~ reads | join("', '") ~ "')"
            ~ " and as_of_date > cast('" ~ found.rows[0][0] ~ "' as date)"
            ~ " and key_value is null),"
            ~ " cast(cast('" ~ found.rows[0][0] ~ "' as date) < "
            ~ as_of_date() ~ " - " ~ keyed_projection_log_days() ~ " as bigint)"
        ) -%}
        {%- if gaps.rows[0][0] > 0 or gaps.rows[0][1] > 0 -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endif -%}
    {{ return({
        'as_of_date': "cast('" ~ found.rows[0][0] ~ "' as date)",
        'file_seq': found.rows[0][1] | string,
    }) }}
{%- endmacro %}

{#- The post-hook recording this build (rendered when the hook runs, in the transaction). -#}
{% macro keyed_projection_recorded() -%}
    {{ return("{{ keyed_projection_record() }}") }}
{%- endmacro %}

{% macro keyed_projection_record() -%}
    {%- if keyed_projection_since() is none %}
    {#- a build of every key, by the strategy or dbt's own create: logged as one null key
        (a step's keys are logged by the strategy, which knows the keys it replaced) -#}
    {{ keyed_projection_log_cleared() }};
    insert into {{ keyed_projection_log() }} (projection, as_of_date, key_value)
    values ('{{ this.identifier }}', {{ as_of_date() }}, null);
    {%- endif %}
    insert or replace into {{ keyed_projection_builds() }}
    select
        '{{ this.identifier }}',
        {{ as_of_date() }},
        {{ known_file_seq() }},
        '{{ model.checksum.checksum }}',
        current_timestamp
{%- endmacro %}

{#- This projection's log from this day on is written anew (a past day re-run starts the
    days after it anew), and days older than kept are dropped. -#}
{% macro keyed_projection_log_cleared() -%}
    delete from {{ keyed_projection_log() }}
    where projection = '{{ this.identifier }}'
        and (as_of_date >= {{ as_of_date() }}
            or as_of_date < {{ as_of_date() }} - {{ keyed_projection_log_days() }})
{%- endmacro %}

{#- on-run-start (dbt_project.yml): the bookkeeping table exists before the models run, in
    parallel threads whose transactions would collide creating it. -#}
{% macro keyed_projection_builds_ensured() -%}
    create schema if not exists intermediate;
    create table if not exists {{ keyed_projection_builds() }} (
        projection varchar primary key,
        as_of_date date not null,
        file_seq bigint not null,
        code_checksum varchar not null,
        built_at timestamp not null
    );
    create table if not exists {{ keyed_projection_log() }} (
        projection varchar not null,
        as_of_date date not null,
        key_value varchar
    );
    alter table {{ keyed_projection_log() }} add column if not exists earliest_date date;
    {#- the record of a table dropped by hand would let its rebuild (dbt's create, every
        key) pass for a step in the post-hook, which logs by that -#}
    delete from {{ keyed_projection_builds() }}
    where projection not in (
        select table_name from duckdb_tables() where database_name = current_database()
    )
{%- endmacro %}

{#- The model's final select: the projected rows of `projected` (a CTE; in a step only the
    touched keys' rows) stamped with the build's as-of date, and in a step each touched
    key that has no row any more, as a row of only its key (_projected_on null): the
    strategy deletes the rows of every key it gets and inserts the stamped rows. -#}
{% macro keyed_projection_rows(since, projected, touched, key) -%}
    select *, {{ as_of_date() }} as _projected_on
    from {{ projected }}
    {%- if since is not none %}
    union all by name
    select {{ key }}, cast(null as date) as _projected_on
    from {{ touched }}
    where {{ key }} not in (select {{ key }} from {{ projected }})
    {%- endif %}
{%- endmacro %}

{#- The strategy (dbt's hook for custom incremental strategies): in a step, the rows of the
    keys the build got are replaced; otherwise every row is. -#}
{% macro get_incremental_keyed_projection_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set step = keyed_projection_since() is not none -%}
    {%- set dated = config.get('meta', {}).get('keyed_projection_dated') -%}
    {%- set compared = get_quoted_csv(
        arg_dict['dest_columns'] | map(attribute='name') | reject('equalto', '_projected_on')
    ) -%}
    {%- if step %}
    {#- the keys this step replaces, for the projections that read this one (logged before
        the old rows go: a dated log names the earliest date among the rows that differ,
        old or new, so a key re-projected unchanged moves no date) -#}
    {{ keyed_projection_log_cleared() }};
    insert into {{ keyed_projection_log() }} (projection, as_of_date, key_value, earliest_date)
    select
        '{{ target.identifier }}',
        {{ as_of_date() }},
        cast(keys.{{ key }} as varchar),
        {% if dated %}min(changed.{{ dated }}){% else %}cast(null as date){% endif %}
    from (select distinct {{ key }} from {{ source }}) as keys
    {%- if dated %}
    left join (
        (
            select {{ compared }} from {{ target }}
            where {{ key }} in (select {{ key }} from {{ source }})
            except all
            select {{ compared }} from {{ source }} where _projected_on is not null
        )
        union all
        (
            select {{ compared }} from {{ source }} where _projected_on is not null
            except all
            select {{ compared }} from {{ target }}
            where {{ key }} in (select {{ key }} from {{ source }})
        )
    ) as changed
        on changed.{{ key }} = keys.{{ key }}
    {%- endif %}
    group by keys.{{ key }};
    delete from {{ target }} where {{ key }} in (select {{ key }} from {{ source }});
    {%- else %}
    delete from {{ target }};
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }} where _projected_on is not null
{%- endmacro %}

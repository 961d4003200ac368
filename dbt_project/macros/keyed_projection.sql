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
    since a key's other rows were tested when they were written. -#}

{#- A model's config as a keyed projection on `key`, and the build to step from (see
    keyed_projection_since). -#}
{% macro keyed_projection(key) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='keyed_projection',
        unique_key=key,
        post_hook=keyed_projection_recorded(),
    ) }}
    {{ return(keyed_projection_since()) }}
{%- endmacro %}

{#- The bookkeeping table of the keyed projections' last builds. -#}
{% macro keyed_projection_builds() -%}
    {{ return(api.Relation.create(database=target.database, schema='intermediate', identifier='projection_builds')) }}
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
    insert or replace into {{ keyed_projection_builds() }}
    select
        '{{ this.identifier }}',
        {{ as_of_date() }},
        {{ known_file_seq() }},
        '{{ model.checksum.checksum }}',
        current_timestamp
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
    {%- if keyed_projection_since() is none %}
    delete from {{ target }};
    {%- else %}
    delete from {{ target }} where {{ key }} in (select {{ key }} from {{ source }});
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }} where _projected_on is not null
{%- endmacro %}

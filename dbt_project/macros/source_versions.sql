{#- The versions of a raw ERP relation, kept as state: one row per key and content change,
    valid from the file that brought it (_file_seq) until the file that changed it
    (_superseded_by_file_seq, null while current). Raw files are numbered in arrival order,
    so a build reads only the files after the last one it read (_read_through_seq, the
    watermark): the day's files, not all history. Within a file the last row of a key
    wins, across files the later file (the rule of latest_version); a row whose business
    columns equal the version before it (a full re-extract, a re-delivered file) is no new
    version, so the state grows with changes, not with deliveries.

    Expands to the whole select of an incremental model (delete+insert on key and
    _file_seq): the new versions, and the standing current version of each key that
    changed, re-emitted with the file that superseded it. source_versions_known() projects
    the state onto the files known on the as-of date. -#}
{% macro source_versions(relation, key) -%}
{#- the loader's lineage columns (orchestration/loading/raw_tables.py LINEAGE) all start
    with an underscore and no contract column does: told apart by that, not by a second
    list of their names -#}
{%- set business = [] -%}
{%- set bookkeeping = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do (bookkeeping if column.name.startswith('_') else business).append(column.name) -%}
    {%- endfor -%}
{%- endif -%}
{%- set columns = business + bookkeeping -%}
with

arrived as (
    select *
    from {{ relation }}
    {%- if is_incremental() %}
    where _file_seq > (select coalesce(max(_read_through_seq), -1) from {{ this }})
    {%- endif %}
),

-- a file's last row of a key is that file's version of it
arrived_per_file as (
    select {{ columns | join(', ') }}, false as is_standing
    from arrived
    qualify row_number() over (
        partition by {{ key }}, _file_seq order by _row_number desc
    ) = 1
),

candidates as (
    select * from arrived_per_file
    {%- if is_incremental() %}
    union all
    select {{ columns | join(', ') }}, true as is_standing
    from {{ this }}
    where _superseded_by_file_seq is null
        and {{ key }} in (select {{ key }} from arrived_per_file)
    {%- endif %}
),

-- compared with the version before it: equal to that, equal to the last version kept
compared as (
    select
        *,
        lag(_file_seq) over by_key is null
        {%- for column in business %}
            or {{ column }} is distinct from lag({{ column }}) over by_key
        {%- endfor %} as is_change
    from candidates
    window by_key as (partition by {{ key }} order by _file_seq)
),

changes as (
    select * from compared where is_change
),

-- a standing version is re-emitted only when a new version supersedes it
changed_keys as (
    select distinct {{ key }} from changes where not is_standing
),

final as (
    select
        {{ columns | join(',\n        ') }},
        lead(_file_seq) over (
            partition by {{ key }} order by _file_seq
        ) as _superseded_by_file_seq,
        (select max(_file_seq) from arrived) as _read_through_seq
    from changes
    where {{ key }} in (select {{ key }} from changed_keys)
)

select * from final
{%- endmacro %}

{#- The versions of `relation` (a source_versions state) known on the as-of date: the
    version each key had after the last file known that day (known_file_seq()). -#}
{% macro source_versions_known(relation) -%}
    select *
    from {{ relation }}
    where _file_seq <= {{ known_file_seq() }}
        and coalesce(_superseded_by_file_seq > {{ known_file_seq() }}, true)
{%- endmacro %}

{#- The body of a model that derives something once per version of `relation` (a
    source_versions state) and appends it, keyed by version_file_seq: the versions added
    since the model last ran (all on its first run), those matching `condition` if given.
    The caller configures the model incremental with strategy append. -#}
{% macro source_versions_added(relation, condition=none) -%}
    select *
    from {{ relation }}
    where {{ condition if condition else 'true' }}
    {%- if is_incremental() %}
        and _file_seq > (select coalesce(max(version_file_seq), -1) from {{ this }})
    {%- endif %}
{%- endmacro %}

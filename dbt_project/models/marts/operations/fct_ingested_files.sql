-- Every landing file the pipeline handled: loaded, skipped or quarantined, with the
-- reason a person needs (the pipeline page of the app).

with

files as (
    select * from {{ source('raw', 'ingested_files') }}
),

final as (
    select
        cast(file_seq as bigint) as file_seq,
        cast(source as varchar) as source,
        cast(entity as varchar) as entity,
        cast(file_name as varchar) as file_name,
        cast(status as varchar) as status,
        cast(rows as bigint) as rows,
        cast(duplicate_rows as bigint) as duplicate_rows,
        ingested_at,
        cast(error as varchar) as error,
        cast(warnings as varchar) as warnings,
        cast(quarantine_path as varchar) as quarantine_path,
        cast(run_id as varchar) as run_id
    from files
)

select * from final

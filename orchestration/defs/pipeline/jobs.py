"""The whole pipeline as one job: ingest, build and test the warehouse, publish."""

import dagster as dg

from orchestration.defs.partitions import as_of_days

daily_job = dg.define_asset_job(
    "daily_job",
    selection=dg.AssetSelection.all(),
    partitions_def=as_of_days,
    description="Ingest landing files, build and test every model for the as-of date, publish.",
)

replay_job = dg.define_asset_job(
    "replay_job",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.groups("dunning", "serving", "continuity"),
    partitions_def=as_of_days,
    description=(
        "One day of `forderwerk rebuild`: ingest the day's archived files and build the "
        "warehouse for that day; no dunning, no delivery, no publish."
    ),
)

"""The whole pipeline as one job: ingest, build and test the warehouse, publish."""

import dagster as dg

daily_job = dg.define_asset_job(
    "daily_job",
    selection=dg.AssetSelection.all(),
    description="Ingest landing files, build and test every model for the as-of date, publish.",
)

"""Jobs of the ingestion domain."""

import dagster as dg

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("ingest"),
    description="Ingest every file waiting in landing/ into the raw tables.",
)

"""The daily run, before the working day of the finance team starts."""

import dagster as dg

from orchestration.defs.ingest.jobs import ingest_job

daily_ingest_schedule = dg.ScheduleDefinition(
    name="daily_ingest",
    job=ingest_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Europe/Berlin",
    description="Ingest whatever arrived overnight, every day at 06:00 Berlin time.",
)

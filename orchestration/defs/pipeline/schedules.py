"""The daily run, before the finance team's working day starts."""

import dagster as dg

from orchestration.defs.pipeline.jobs import daily_job

daily_schedule = dg.ScheduleDefinition(
    name="daily_pipeline",
    job=daily_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Europe/Berlin",
    description="Everything that arrived overnight, built into the marts at 06:00 Berlin time.",
)

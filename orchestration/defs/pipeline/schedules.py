"""The daily run, before the finance team's working day starts."""

import dagster as dg

from orchestration.defs.pipeline.jobs import daily_job

#: 06:00 Berlin time builds that day's partition (orchestration/defs/partitions.py)
daily_schedule = dg.build_schedule_from_partitioned_job(
    daily_job,
    name="daily_pipeline",
    hour_of_day=6,
    minute_of_hour=0,
    description="Everything that arrived overnight, built into the marts at 06:00 Berlin time.",
)

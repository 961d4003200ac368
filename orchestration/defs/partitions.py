"""Days as partitions: the as-of date of a run is the day partition it builds.

A schedule tick, a re-run of a failed day and a backfill of missed days all name their day,
so nothing depends on the clock at execution time (a run that starts after midnight still
builds the day it was meant for). Europe/Berlin, the finance team's day; the current day is
a partition already (``end_offset=1``), so the 06:00 run builds today with everything that
arrived overnight. Ingestion is not partitioned: a file arrives once, whatever day it is.
"""

from collections.abc import Mapping
from datetime import date

import dagster as dg

from core.business_day import BUSINESS_TIMEZONE_NAME
from orchestration.runner_tags import AS_OF_TAG

#: the tag Dagster puts on a run of one partition
PARTITION_TAG = "dagster/partition"

#: the first as-of date a run can be asked for (the generator's and the sample's histories
#: start later); older days are refused with a clear message by the runner
FIRST_DAY = "2020-01-01"

as_of_days = dg.DailyPartitionsDefinition(
    start_date=FIRST_DAY, timezone=BUSINESS_TIMEZONE_NAME, end_offset=1
)

#: a backfill builds missed days one run each, oldest first: each day is posted on top of
#: the one before, so days must not be merged into one run
ONE_DAY_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)


def run_day(tags: Mapping[str, str]) -> date | None:
    """The day a run builds, from its tags (its partition, or the as-of tag the runner
    sets); None for a run of no day (``forderwerk ingest``)."""
    day = tags.get(PARTITION_TAG) or tags.get(AS_OF_TAG)
    return date.fromisoformat(day) if day else None

"""The stores vouch for each other: at the end of every run each records what it has seen
of the other (orchestration/continuity.py), so the next run notices a lost store."""

import dagster as dg

from orchestration.continuity import record_marks
from orchestration.defs.dunning.assets import dunning_run
from orchestration.defs.partitions import ONE_DAY_PER_RUN, as_of_days
from orchestration.defs.resources import WorkspaceResource
from orchestration.defs.serving.assets import warehouse_snapshot


@dg.asset(
    key=["continuity", "continuity_marks"],
    partitions_def=as_of_days,
    backfill_policy=ONE_DAY_PER_RUN,
    group_name="continuity",
    kinds={"duckdb", "sqlite"},
    deps=[dunning_run, warehouse_snapshot],
)
def continuity_marks(workspace: WorkspaceResource) -> dg.MaterializeResult:
    """Run counter, the ops store's last ledger entry and event count in the warehouse; the
    run counter and the warehouse's last ingested file in the ops store."""
    marks = record_marks(workspace.settings())
    return dg.MaterializeResult(
        metadata={name: dg.MetadataValue.int(value) for name, value in marks.items()}
    )

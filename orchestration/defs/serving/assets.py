"""The dashboards' read-only copy of the warehouse."""

from datetime import date

import dagster as dg

from orchestration.defs.partitions import ONE_DAY_PER_RUN, as_of_days
from orchestration.defs.resources import WorkspaceResource
from orchestration.defs.transform.assets import as_of_for, warehouse_models
from orchestration.loading.publish import PublishHeld, publish_snapshot


@dg.asset(
    key=["serving", "warehouse_snapshot"],
    partitions_def=as_of_days,
    backfill_policy=ONE_DAY_PER_RUN,
    group_name="serving",
    kinds={"duckdb"},
    deps=[warehouse_models],
)
def warehouse_snapshot(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """Publish the built warehouse atomically for the dashboards (read-only snapshot),
    unless it would drop customers or open items on a large scale: then a person decides."""
    as_of = date.fromisoformat(as_of_for(context))
    try:
        size = publish_snapshot(workspace.settings(), as_of)
    except PublishHeld as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    return dg.MaterializeResult(metadata={"bytes": dg.MetadataValue.int(size)})

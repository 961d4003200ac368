"""The dashboards' read-only copy of the warehouse."""

import dagster as dg

from orchestration.defs.resources import WorkspaceResource
from orchestration.defs.transform.assets import warehouse_models
from orchestration.loading.publish import publish_snapshot


@dg.asset(
    key=["serving", "warehouse_snapshot"],
    group_name="serving",
    kinds={"duckdb"},
    deps=[warehouse_models],
)
def warehouse_snapshot(workspace: WorkspaceResource) -> dg.MaterializeResult:
    """Publish the built warehouse atomically for the dashboards (read-only snapshot)."""
    size = publish_snapshot(workspace.settings())
    return dg.MaterializeResult(metadata={"bytes": dg.MetadataValue.int(size)})

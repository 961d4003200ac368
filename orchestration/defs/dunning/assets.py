"""The daily dunning run: decide, route for approval, render, deliver, once per action."""

from datetime import date

import dagster as dg

from actions.engine import run_dunning
from orchestration.defs.partitions import ONE_DAY_PER_RUN, as_of_days
from orchestration.defs.resources import WorkspaceResource
from orchestration.defs.transform.assets import as_of_for, warehouse_models
from orchestration.loading.warehouse import connect


@dg.asset(
    key=["dunning", "dunning_run"],
    partitions_def=as_of_days,
    backfill_policy=ONE_DAY_PER_RUN,
    group_name="dunning",
    kinds={"python", "sendgrid"},
    deps=[warehouse_models],
)
def dunning_run(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """Carry out today's dunning proposals: e-mails, letters, tasks, agency handovers."""
    settings = workspace.settings()
    as_of = date.fromisoformat(as_of_for(context))
    with connect(settings, read_only=True) as con:
        report = run_dunning(settings, con, as_of)
    for action_id in report.failed:
        context.log.warning(f"delivery failed for {action_id}; it stays failed, not sent")
    for action_id in report.uncertain:
        context.log.warning(
            f"delivery of {action_id} is uncertain (SendGrid may have accepted it); "
            "it is not resent until a person resends it or marks it sent"
        )
    metadata: dict[str, dg.MetadataValue] = {
        key: dg.MetadataValue.int(value) for key, value in report.counts().items()
    }
    metadata["needs_attention"] = dg.MetadataValue.json(report.attention)
    return dg.MaterializeResult(metadata=metadata)

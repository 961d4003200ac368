"""Raw tables: every landing file validated and loaded, or quarantined with its reason."""

from collections.abc import Iterator
from dataclasses import asdict

import dagster as dg

from orchestration.defs.partitions import run_day
from orchestration.defs.resources import WorkspaceResource
from orchestration.ingest.erp import ENTITIES
from orchestration.loading.app_events import (
    Copy,
    copy_allocation_reversals,
    copy_app_events,
    copy_dunning_levels,
)
from orchestration.loading.ingest import IngestReport, ingest_source
from orchestration.loading.reference import load_fx_rates
from orchestration.loading.warehouse import connect

GROUP = "ingest"
KINDS = {"python", "duckdb"}


def raw_key(table: str) -> dg.AssetKey:
    """Raw tables are keyed like the dbt sources that read them: raw/<source>__<entity>s."""
    return dg.AssetKey(["raw", table])


def _run(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource, source: str
) -> IngestReport:
    settings = workspace.settings()
    settings.ensure_workspace()
    with connect(settings) as con:
        report = ingest_source(
            settings, con, source, run_id=context.run_id, as_of=run_day(context.run.tags)
        )
    for quarantined in report.by_status("quarantined"):
        context.log.warning(f"quarantined {quarantined.file_name}: {quarantined.reason}")
    return report


def _metadata(report: IngestReport, entity: str | None = None) -> dict[str, dg.MetadataValue]:
    """Counts for the asset; the per-file list (read by the CLI summary) rides on one asset.

    Files of a multi-asset are listed on its first key only (``entity`` None or its first
    entity), so a quarantined file shows once, not once per table.
    """
    files = [f for f in report.files if entity is None or f.entity == entity]
    listed = report.files if entity in (None, ENTITIES[0]) else []
    return {
        "files_loaded": dg.MetadataValue.int(len([f for f in files if f.status == "loaded"])),
        "files_skipped": dg.MetadataValue.int(len([f for f in files if f.status == "skipped"])),
        "files_quarantined": dg.MetadataValue.int(
            len([f for f in files if f.status == "quarantined"])
        ),
        "dagster/row_count": dg.MetadataValue.int(sum(f.rows for f in files)),
        "files": dg.MetadataValue.json([asdict(f) for f in listed]),
    }


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            raw_key(f"erp__{entity}"),
            group_name=GROUP,
            kinds=KINDS,
            description=f"ERP {entity}, every version of every row as extracted.",
        )
        for entity in ENTITIES
    ],
    name="ingest_erp",
)
def ingest_erp(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> Iterator[dg.MaterializeResult]:
    """Load ERP extracts (customers, documents, payments) from landing/erp."""
    report = _run(context, workspace, "erp")
    for entity in ENTITIES:
        yield dg.MaterializeResult(
            asset_key=raw_key(f"erp__{entity}"), metadata=_metadata(report, entity)
        )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            raw_key("bank__transactions"),
            group_name=GROUP,
            kinds=KINDS,
            description="Booked bank transactions of every camt.053/054 and MT940 file.",
        ),
        dg.AssetSpec(
            raw_key("bank__statements"),
            group_name=GROUP,
            kinds=KINDS,
            description="Bank statements with their opening and closing balances.",
        ),
    ],
    name="ingest_bank",
)
def ingest_bank(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> Iterator[dg.MaterializeResult]:
    """Load bank statements (camt.053/054, MT940) from landing/bank, without duplicates."""
    report = _run(context, workspace, "bank")
    yield dg.MaterializeResult(asset_key=raw_key("bank__transactions"), metadata=_metadata(report))
    yield dg.MaterializeResult(asset_key=raw_key("bank__statements"))


@dg.asset(
    key=raw_key("bureau__reports"), group_name=GROUP, kinds=KINDS, deps=[raw_key("erp__customers")]
)
def ingest_bureau(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """Load credit-bureau reports from landing/bureau, matched to customers."""
    return dg.MaterializeResult(metadata=_metadata(_run(context, workspace, "bureau")))


@dg.asset(
    key=raw_key("ops__events"), group_name=GROUP, kinds=KINDS, deps=[raw_key("erp__customers")]
)
def ingest_ops_events(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """Load bulk operational events (notes, promises, disputes) from landing/ops."""
    return dg.MaterializeResult(metadata=_metadata(_run(context, workspace, "ops")))


@dg.asset(key=raw_key("reference__fx_rates"), group_name=GROUP, kinds=KINDS)
def reference_fx_rates(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """ECB euro reference rates, from the bundled file or a newer one in the workspace."""
    settings = workspace.settings()
    with connect(settings) as con:
        rows = load_fx_rates(settings, con, run_id=context.run_id)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(rows),
            "file": str(settings.fx_rates_file),
        }
    )


def _copied_from_ops_store(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource, copy: Copy
) -> dg.MaterializeResult:
    """Replace a raw.ops__* table with what the ops store holds now (in a replay: what
    it held when the replayed day ran)."""
    settings = workspace.settings()
    with connect(settings) as con:
        rows = copy(settings, con, run_day(context.run.tags))
    return dg.MaterializeResult(metadata={"dagster/row_count": dg.MetadataValue.int(rows)})


@dg.asset(key=raw_key("ops__app_events"), group_name=GROUP, kinds=KINDS)
def ops_app_events(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """Notes, promises, disputes and blocks entered in the app, copied from the ops store."""
    return _copied_from_ops_store(context, workspace, copy_app_events)


@dg.asset(key=raw_key("ops__allocation_reversals"), group_name=GROUP, kinds=KINDS)
def ops_allocation_reversals(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """Reversals of posted cash allocations (app or CLI), copied from the ops store."""
    return _copied_from_ops_store(context, workspace, copy_allocation_reversals)


@dg.asset(key=raw_key("ops__dunning_levels"), group_name=GROUP, kinds=KINDS)
def ops_dunning_levels(
    context: dg.AssetExecutionContext, workspace: WorkspaceResource
) -> dg.MaterializeResult:
    """The dunning level each document reached by notices actually sent (action ledger)."""
    return _copied_from_ops_store(context, workspace, copy_dunning_levels)

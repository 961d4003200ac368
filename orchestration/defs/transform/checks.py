"""Reconciliation invariants of the warehouse, checked after every build."""

from datetime import date

import dagster as dg

from orchestration.defs.resources import WorkspaceResource
from orchestration.defs.transform.assets import as_of_for
from orchestration.loading.warehouse import connect
from orchestration.reconciliation import bank_credit_differences, open_items_differences

OPEN_ITEMS = dg.AssetKey(["marts", "fct_open_items"])
PAYMENT_MATCHES = dg.AssetKey(["marts", "fct_payment_matches"])


def _table(rows: list[tuple], header: list[str]) -> dg.MetadataValue:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows[:20]]
    return dg.MetadataValue.md("\n".join(lines))


@dg.asset_check(
    asset=OPEN_ITEMS,
    blocking=True,
    description="Per customer and currency, documents − payments = open items.",
)
def open_items_reconcile(
    context: dg.AssetCheckExecutionContext, workspace: WorkspaceResource
) -> dg.AssetCheckResult:
    as_of = date.fromisoformat(as_of_for(context))
    with connect(workspace.settings(), read_only=False) as con:
        rows = open_items_differences(con, as_of)
    header = ["customer", "currency", "documents", "applied", "open items", "difference"]
    return dg.AssetCheckResult(
        passed=not rows, metadata={"differences": len(rows), "rows": _table(rows, header)}
    )


@dg.asset_check(
    asset=PAYMENT_MATCHES,
    blocking=True,
    description="Every bank credit is applied or unapplied, to the cent.",
)
def bank_credits_accounted(
    context: dg.AssetCheckExecutionContext, workspace: WorkspaceResource
) -> dg.AssetCheckResult:
    as_of = date.fromisoformat(as_of_for(context))
    with connect(workspace.settings(), read_only=False) as con:
        rows = bank_credit_differences(con, as_of)
    header = ["payment", "amount", "applied", "unapplied", "returned"]
    return dg.AssetCheckResult(
        passed=not rows, metadata={"differences": len(rows), "rows": _table(rows, header)}
    )

"""Properties of the raw tables that later stages rely on, one property per check."""

import dagster as dg

from orchestration.defs.ingest.assets import raw_key
from orchestration.defs.resources import WorkspaceResource
from orchestration.loading.warehouse import connect


@dg.asset_check(
    asset=raw_key("bank__transactions"),
    blocking=True,
    description="No bank transaction is loaded twice (account + bank reference).",
)
def bank_transactions_unique(workspace: WorkspaceResource) -> dg.AssetCheckResult:
    with connect(workspace.settings()) as con:
        duplicates = con.execute(
            """select count(*) from (select account_iban, bank_reference from raw.bank__transactions
               group by all having count(*) > 1)"""
        ).fetchone()[0]
    return dg.AssetCheckResult(passed=duplicates == 0, metadata={"duplicate_keys": duplicates})


@dg.asset_check(
    asset=raw_key("bank__transactions"),
    description="Every bank amount is positive; the sign lives in direction.",
)
def bank_amounts_positive(workspace: WorkspaceResource) -> dg.AssetCheckResult:
    with connect(workspace.settings()) as con:
        bad = con.execute(
            """select count(*) from raw.bank__transactions
               where amount <= 0 or direction not in ('credit', 'debit')"""
        ).fetchone()[0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"bad_rows": bad})


@dg.asset_check(
    asset=raw_key("bank__statements"),
    description="Every statement leads from its opening to its closing balance.",
)
def bank_statements_balanced(workspace: WorkspaceResource) -> dg.AssetCheckResult:
    with connect(workspace.settings()) as con:
        rows = con.execute(
            """select source_file, statement_id, balance_difference from raw.bank__statements
               where balance_difference <> 0 order by source_file limit 50"""
        ).fetchall()
    listing = "\n".join(f"- {f}: statement {s} differs by {d}" for f, s, d in rows)
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unbalanced_statements": len(rows),
            "statements": dg.MetadataValue.md(listing or "none"),
        },
    )

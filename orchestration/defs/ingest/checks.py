"""Properties of the raw tables that later stages rely on, one property per check.

Each check looks at the files this run loaded, not at all history: what earlier runs
loaded was checked when it arrived and does not change (raw tables are append-only), so
a daily run's checks cost in proportion to the day. A key that must be unique is still
compared with all history, but only for the keys the day brought.
"""

import dagster as dg
import duckdb

from orchestration.defs.ingest.assets import raw_key
from orchestration.defs.resources import WorkspaceResource
from orchestration.loading.warehouse import connect

#: the rows this run loaded: their file is one the run ingested
THIS_RUN = "_file_seq in (select file_seq from raw.ingested_files where run_id = ?)"


def duplicate_keys(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Keys (account + bank reference) of the run's transactions found more than once."""
    return con.execute(
        f"""with today as (
                select distinct account_iban, bank_reference from raw.bank__transactions
                where {THIS_RUN}
            )
            select count(*) from (
                select account_iban, bank_reference
                from raw.bank__transactions semi join today using (account_iban, bank_reference)
                group by all having count(*) > 1
            )""",
        [run_id],
    ).fetchone()[0]


def bad_amounts(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """The run's transactions whose amount is not positive or direction unknown."""
    return con.execute(
        f"""select count(*) from raw.bank__transactions
            where {THIS_RUN} and (amount <= 0 or direction not in ('credit', 'debit'))""",
        [run_id],
    ).fetchone()[0]


def unbalanced_statements(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple]:
    """The run's statements whose entries do not lead from opening to closing balance."""
    return con.execute(
        f"""select source_file, statement_id, balance_difference from raw.bank__statements
            where {THIS_RUN} and balance_difference <> 0 order by source_file limit 50""",
        [run_id],
    ).fetchall()


@dg.asset_check(
    asset=raw_key("bank__transactions"),
    blocking=True,
    description="No bank transaction is loaded twice (account + bank reference).",
)
def bank_transactions_unique(
    context: dg.AssetCheckExecutionContext, workspace: WorkspaceResource
) -> dg.AssetCheckResult:
    with connect(workspace.settings()) as con:
        duplicates = duplicate_keys(con, context.run.run_id)
    return dg.AssetCheckResult(passed=duplicates == 0, metadata={"duplicate_keys": duplicates})


@dg.asset_check(
    asset=raw_key("bank__transactions"),
    description="Every bank amount is positive; the sign lives in direction.",
)
def bank_amounts_positive(
    context: dg.AssetCheckExecutionContext, workspace: WorkspaceResource
) -> dg.AssetCheckResult:
    with connect(workspace.settings()) as con:
        bad = bad_amounts(con, context.run.run_id)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"bad_rows": bad})


@dg.asset_check(
    asset=raw_key("bank__statements"),
    description="Every statement leads from its opening to its closing balance.",
)
def bank_statements_balanced(
    context: dg.AssetCheckExecutionContext, workspace: WorkspaceResource
) -> dg.AssetCheckResult:
    with connect(workspace.settings()) as con:
        rows = unbalanced_statements(con, context.run.run_id)
    listing = "\n".join(f"- {f}: statement {s} differs by {d}" for f, s, d in rows)
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unbalanced_statements": len(rows),
            "statements": dg.MetadataValue.md(listing or "none"),
        },
    )

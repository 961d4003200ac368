"""Copy the ops store into raw.* for dbt: what users entered (raw.ops__app_events) and
the dunning level each document reached by what was sent (raw.ops__dunning_levels).

The ops store is the system of record; these copies are replaced whole on every run,
which is cheap (thousands of rows, not millions) and can never drift.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from actions.ledger import ledger_levels
from actions.ops_store import all_events, engine_for
from core.settings import Settings
from orchestration.loading import raw_tables


def copy_app_events(settings: Settings, con: duckdb.DuckDBPyConnection) -> int:
    return _replace(con, "ops__app_events", all_events(engine_for(settings)))


def copy_dunning_levels(settings: Settings, con: duckdb.DuckDBPyConnection) -> int:
    return _replace(con, "ops__dunning_levels", ledger_levels(engine_for(settings)))


def _replace(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> int:
    raw_tables.ensure_raw_schema(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in rows:
        row["_loaded_at"] = now
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{table}")
        raw_tables.insert(con, table, rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)

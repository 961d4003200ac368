"""Copy what users entered in the app (ops store) into raw.ops__app_events for dbt.

The ops store is the system of record; this copy is replaced whole on every run, which
is cheap (people enter hundreds, not millions, of events) and can never drift.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from actions.ops_store import all_events, engine_for
from orchestration.loading import raw_tables
from orchestration.settings import Settings


def copy_app_events(settings: Settings, con: duckdb.DuckDBPyConnection) -> int:
    raw_tables.ensure_raw_schema(con)
    rows = all_events(engine_for(settings))
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in rows:
        row["_loaded_at"] = now
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.ops__app_events")
        raw_tables.insert(con, "ops__app_events", rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)

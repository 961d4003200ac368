"""Copy the ops store into raw.* for dbt: what users entered (raw.ops__app_events), the
reversals of posted cash allocations (raw.ops__allocation_reversals) and the dunning level
each document reached on each day by what was sent (raw.ops__dunning_levels).

The ops store is the system of record; these copies are replaced whole on every run,
which is cheap (thousands of rows, not millions) and can never drift. Each copy for a day
also leaves a mark of how far it read the store (raw.ops__copy_marks: the newest event or
reversal time, the newest action-log entry), so that `forderwerk rebuild` can copy for
each replayed day exactly what that day's run copied, not what was entered since: a
replay workspace carries those marks in ``replay_marks.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import duckdb

from actions.ledger import last_log_id, level_history
from actions.ops_store import all_events, all_reversals, engine_for
from core.settings import Settings
from orchestration.loading import raw_tables

#: in a replay workspace: {table: {day: mark}} of the runs it replays
REPLAY_MARKS = "replay_marks.json"


def copy_app_events(
    settings: Settings, con: duckdb.DuckDBPyConnection, as_of: date | None = None
) -> int:
    rows = all_events(engine_for(settings))
    return _copy_entered(settings, con, "ops__app_events", rows, as_of)


def copy_allocation_reversals(
    settings: Settings, con: duckdb.DuckDBPyConnection, as_of: date | None = None
) -> int:
    rows = all_reversals(engine_for(settings))
    return _copy_entered(settings, con, "ops__allocation_reversals", rows, as_of)


def copy_dunning_levels(
    settings: Settings, con: duckdb.DuckDBPyConnection, as_of: date | None = None
) -> int:
    engine = engine_for(settings)
    replayed = replay_mark(settings, "ops__dunning_levels", as_of)
    up_to = int(replayed) if replayed is not None else last_log_id(engine)
    rows = level_history(engine, up_to)
    return _replace(con, "ops__dunning_levels", rows, as_of, str(up_to))


def _copy_entered(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[dict],
    as_of: date | None,
) -> int:
    """Rows people entered (each with its time ``at``), up to the replayed run's mark."""
    replayed = replay_mark(settings, table, as_of)
    if replayed is not None:
        rows = [r for r in rows if replayed and r["at"].isoformat() <= replayed]
    newest = max((r["at"] for r in rows), default=None)
    return _replace(con, table, rows, as_of, newest.isoformat() if newest else "")


def replay_mark(settings: Settings, table: str, as_of: date | None) -> str | None:
    """The mark of the run being replayed for ``as_of`` (None: not a replay)."""
    path = settings.home / REPLAY_MARKS
    if as_of is None or not path.exists():
        return None
    marks = json.loads(path.read_text(encoding="utf-8"))
    return marks.get(table, {}).get(as_of.isoformat())


def copy_marks(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """{table: {day: mark}} of a warehouse's last copy per day, for a replay of it."""
    rows = con.execute(
        """select source, cast(as_of_date as varchar), mark from raw.ops__copy_marks
           qualify row_number() over (
               partition by source, as_of_date order by copied_at desc) = 1"""
    ).fetchall()
    marks: dict[str, dict[str, str]] = {}
    for table, day, mark in rows:
        marks.setdefault(table, {})[day] = mark
    return marks


def _replace(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[dict],
    as_of: date | None = None,
    mark: str | None = None,
) -> int:
    raw_tables.ensure_raw_schema(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in rows:
        row["_loaded_at"] = now
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{table}")
        raw_tables.insert(con, table, rows)
        if as_of is not None:
            con.execute(
                "insert into raw.ops__copy_marks values (?, ?, ?, ?)", [as_of, table, mark, now]
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)


Copy = Callable[[Settings, duckdb.DuckDBPyConnection, date | None], int]

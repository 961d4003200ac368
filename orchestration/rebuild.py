"""`forderwerk rebuild`: replay the posting day by day from the archive into a fresh
warehouse, then compare it with the warehouse the daily runs built.

The daily runs post cash once and keep it (dbt: int_payment_allocations_posted), so the
warehouse is state, not a cache: it must be reproducible from what came in. Every loaded
file is archived under its content hash with its arrival day (raw.ingested_files); the
replay lands each day's files in their original order into a workspace of its own
(``FORDERWERK_HOME/rebuild/<time>/``, with a copy of the ops store for the reversals and
notes people entered and the notices sent, each read up to the mark the replayed day's
run left in raw.ops__copy_marks) and runs ``replay_job`` for that day: ingest and the dbt build, no
dunning, no delivery, no publish, so nothing reaches a customer or the dashboards. Then
every posted row and every mart is compared with the current warehouse, to the cent.

The replay runs each day that received files or posted anything. Without ``first`` it
starts on the first day, in an empty warehouse: the ledger must open where the daily runs
opened it. With ``first`` (``--from D``) it starts on D, from the books as the daily runs
left them before D: a copy of the current warehouse rolled back to that day (the raw rows
of the files that arrived from D on, and what was posted or decided from D on, taken back;
what ended from D on standing again; every model that is a function of raw dropped, to be
built afresh). A month's replay at the end of a year of history costs a month, not a year.
Either way the comparison is what matters: a difference means the posting is not a
function of the archived inputs, and the report names the tables and rows.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import sqlalchemy as sa

from actions import ops_store
from core.settings import Settings, load_settings
from orchestration.backup import sqlite_backup
from orchestration.loading.app_events import REPLAY_MARKS, copy_marks
from orchestration.loading.files import stage_into_landing
from orchestration.loading.warehouse import attached, connect, table_names

#: what the daily runs post and keep, each with the column of the day that posted a row:
#: the ledgers (cash, credit-note set-offs) and the payment decisions (who paid). With the
#: marts, what the replay must reproduce exactly
POSTED = {
    "intermediate.int_payment_allocations_posted": "posted_on",
    "intermediate.int_credit_note_applications_posted": "posted_on",
    "intermediate.int_payments_posted": "decided_on",
}
#: what ends in the posted state on a later day, with the column of that day: a rollback
#: lets it stand again
ENDED = {"intermediate.int_payments_posted": "superseded_on"}
#: the record of the ingest runs themselves (times, run ids, skipped and quarantined
#: files), not of the books: a replay loads the same files in other runs
NOT_COMPARED = {"marts.fct_ingested_files"}
#: the schemas dbt builds: every table there but the posted ones is a function of raw
DBT_SCHEMAS = ("staging", "intermediate", "marts")


@dataclass(frozen=True)
class ArchivedFile:
    file_seq: int
    source: str
    path: Path
    arrival_date: date


@dataclass
class RebuildReport:
    home: Path
    days: list[date] = field(default_factory=list)
    #: the day the replay started from the rolled-back books (None: from the first day)
    rolled_back_to: date | None = None
    failed_day: date | None = None
    #: table -> rows only in the current warehouse, rows only in the rebuilt one
    differences: dict[str, tuple[int, int]] = field(default_factory=dict)
    compared: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.failed_day is None and not self.differences


def replay_plan(
    settings: Settings,
) -> tuple[dict[date, list[ArchivedFile]], dict[str, dict[str, str]]]:
    """Each day to replay with the files that arrived on it, in arrival order (the days
    files arrived and the days a ledger posted: a reversal or a retry needs no file), and
    the ops store's copy marks of each day; one read of the current warehouse."""
    plan: dict[date, list[ArchivedFile]] = defaultdict(list)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        tables = table_names(con)
        rows = con.execute(
            """select file_seq, source, archive_path,
                      coalesce(arrival_date, cast(ingested_at as date))
               from raw.ingested_files
               where status = 'loaded' and source <> 'reference'
               order by file_seq"""
        ).fetchall()
        for seq, source, archive_path, arrival in rows:
            plan[arrival].append(ArchivedFile(seq, source, Path(archive_path), arrival))
        for ledger in set(POSTED) & tables:
            posted = con.execute(f"select distinct {POSTED[ledger]} from {ledger}").fetchall()
            for (day,) in posted:
                plan.setdefault(day, [])
        marks = copy_marks(con) if "raw.ops__copy_marks" in tables else {}
    return dict(sorted(plan.items())), marks


def _workspace(settings: Settings, marks: dict[str, dict[str, str]]) -> Settings:
    """A fresh workspace beside the current one, with a copy of the ops store whose
    continuity marks (of the current warehouse) are dropped, the new warehouse starting
    empty on purpose, and the current warehouse's copy ``marks`` to replay by."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = load_settings({"FORDERWERK_HOME": str(settings.home / "rebuild" / stamp)})
    target.ensure_workspace()
    if settings.ops_store_path.exists():
        sqlite_backup(settings.ops_store_path, target.ops_store_path)
    engine = ops_store.engine_for(target)
    with engine.begin() as con:
        con.execute(sa.delete(ops_store.continuity))
    engine.dispose()
    (target.home / REPLAY_MARKS).write_text(json.dumps(marks, indent=1), encoding="utf-8")
    return target


def compare(
    current: Path, rebuilt: Path, first: date | None = None
) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Tables of what is posted (the rows posted from ``first`` on) and the marts that differ,
    as (rows only in the current warehouse, rows only in the rebuilt one), and the tables
    compared; a table on one side only counts all its rows there. Lineage columns that
    only number things (load times, file numbers) are not compared."""
    differences: dict[str, tuple[int, int]] = {}

    def compared(tables: set[str]) -> set[str]:
        return {
            t for t in tables if (t.startswith("marts.") or t in POSTED) and t not in NOT_COMPARED
        }

    with (
        duckdb.connect(str(rebuilt), read_only=True) as con,
        attached(con, current, "current", read_only=True),
    ):
        mine, theirs = compared(table_names(con)), compared(table_names(con, "current"))
        for table in sorted(mine ^ theirs):
            side = "" if table in mine else "current."
            (rows,) = con.execute(f"select count(*) from {side}{table}").fetchone()
            differences[table] = (0, rows) if table in mine else (rows, 0)
        for table in sorted(mine & theirs):
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where database_name = "
                    "current_database() and schema_name || '.' || table_name = ? "
                    "order by column_index",
                    [table],
                ).fetchall()
                if not name.startswith("_") and name not in ("loaded_at", "file_seq")
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            where = f"where {POSTED[table]} >= '{first}'" if first and table in POSTED else ""
            rebuilt_rows = f"select {listed} from {table} {where}"
            current_rows = f"select {listed} from current.{table} {where}"
            only_current, only_rebuilt = con.execute(
                f"""select (select count(*) from ({current_rows} except all {rebuilt_rows})),
                           (select count(*) from ({rebuilt_rows} except all {current_rows}))"""
            ).fetchone()
            if only_current or only_rebuilt:
                differences[table] = (only_current, only_rebuilt)
    return differences, sorted(mine | theirs)


def rolled_back(warehouse: Path, first: date) -> None:
    """The warehouse at ``warehouse`` (a copy) as the daily runs left it before ``first``:
    the raw rows of the files that arrived from ``first`` on and their records taken back,
    the posted rows posted or decided from then on deleted and what ended from then on
    standing again, and every other table and view dbt builds dropped (they are functions
    of raw and of the posted rows, and the first replayed day builds them afresh). The ops
    copies are replaced whole by each replayed day, up to its mark."""
    with duckdb.connect(str(warehouse)) as con:
        tables = table_names(con)
        con.execute("begin transaction")
        late = (
            "select file_seq from raw.ingested_files "
            "where coalesce(arrival_date, cast(ingested_at as date)) >= $first"
        )
        for (table,) in con.execute(
            "select schema_name || '.' || table_name from duckdb_columns() "
            "where database_name = current_database() and schema_name = 'raw' "
            "and column_name = '_file_seq'"
        ).fetchall():
            con.execute(f"delete from {table} where _file_seq in ({late})", {"first": first})
        con.execute(f"delete from raw.ingested_files where file_seq in ({late})", {"first": first})
        if "raw.ops__copy_marks" in tables:
            con.execute("delete from raw.ops__copy_marks where as_of_date >= ?", [first])
        for table, day in POSTED.items():
            if table in tables:
                con.execute(f"delete from {table} where {day} >= ?", [first])
        for table, day in ENDED.items():
            if table in tables:
                con.execute(f"update {table} set {day} = null where {day} >= ?", [first])
        for schema, name, kind in con.execute(
            "select schema_name, table_name, 'table' from duckdb_tables() "
            "where database_name = current_database() "
            "union all select schema_name, view_name, 'view' from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall():
            if schema in DBT_SCHEMAS and f"{schema}.{name}" not in POSTED:
                con.execute(f'drop {kind} "{schema}"."{name}"')
        # the continuity marks vouch for the current workspace, not for this copy
        if "meta.continuity" in tables:
            con.execute("delete from meta.continuity")
        con.execute("commit")


def _copy_of_current(settings: Settings, target: Settings) -> None:
    """A consistent copy of the current warehouse into the replay workspace (the caller
    holds the run lock, so no run writes it meanwhile)."""
    with connect(settings) as con:
        con.execute("checkpoint")
    shutil.copyfile(settings.warehouse_path, target.warehouse_path)


def rebuild(
    settings: Settings,
    run_day: Callable[[Settings, date], bool],
    first: date | None = None,
    until: date | None = None,
) -> RebuildReport:
    """Replay every day of the plan (from ``first``, up to ``until``) into a workspace of
    its own with ``run_day`` (the replay job for one day; False when it failed), then
    compare the marts and the ledger rows posted from ``first`` on. A ``first`` after the
    plan's first day starts from the current books rolled back to it."""
    plan, marks = replay_plan(settings)
    target = _workspace(settings, marks)
    report = RebuildReport(home=target.home)
    if first is not None and plan and first > next(iter(plan)):
        _copy_of_current(settings, target)
        rolled_back(target.warehouse_path, first)
        report.rolled_back_to = first
        plan = {day: files for day, files in plan.items() if day >= first}
    for day, files in plan.items():
        if until is not None and day > until:
            break
        for source in ("erp", "bank", "bureau", "ops"):
            stage_into_landing(target, [f.path for f in files if f.source == source], source)
        report.days.append(day)
        if not run_day(target, day):
            report.failed_day = day
            return report
    report.differences, report.compared = compare(
        settings.warehouse_path, target.warehouse_path, first
    )
    return report


def discard(report: RebuildReport) -> None:
    """Remove the rebuilt workspace (kept when it differs, for a person to look at)."""
    shutil.rmtree(report.home, ignore_errors=True)

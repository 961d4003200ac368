"""State that cannot vanish silently: the warehouse, the ops store and the outbox vouch for
each other at the start of every run.

Each store alone cannot tell "new" from "lost": an ``ops.sqlite`` emptied to 0 bytes opens as
a fresh, empty store, and a deleted ``warehouse.duckdb`` is created anew by the next
connection. A run on either used to exit 0, sending every reminder of the lost ledger
again, or publishing dashboards with no customers and cancelling every notice waiting for
approval. So at the end of every run each store records what it has seen of the other
(``record_marks``), and before the next run starts ``check`` compares:

- the warehouse keeps the run counter and the ops store's last action-ledger log id and
  event count (``meta.continuity``);
- the ops store keeps the run counter and the warehouse's last ingested file number
  (table ``continuity``);
- the outbox's e-mails, letters and agency files are only ever written for ledger actions.

Every mark is a lower bound written after the state it describes was committed, so a crash
between two writes never raises a false alarm; only a store that lost history fails the
check. A store that never recorded a mark (a new workspace, or one from before these marks)
is not judged by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import sqlalchemy as sa

from actions import ops_store
from core.settings import Settings
from orchestration.loading.warehouse import connect, table_names

#: outbox folders written only for actions of the ledger (worklists also carry the
#: warehouse's own tasks, so they prove nothing about the ledger)
LEDGER_OUTBOX_KINDS = ("email", "letters", "agency")


class WorkspaceStateError(RuntimeError):
    """A store lost history the others remember: the run must not start."""

    def __init__(self, problems: list[str]):
        super().__init__(
            "The workspace's stores disagree, so this run did not start:\n"
            + "\n".join(f"- {p}" for p in problems)
            + "\nPut the store back from its backup; if the change was deliberate, accept "
            'the current state with `forderwerk accept-state --reason "..."`.'
        )
        self.problems = problems


@dataclass
class WarehouseState:
    exists: bool
    marks: dict[str, int] = field(default_factory=dict)
    max_file_seq: int = 0


@dataclass
class OpsState:
    exists: bool  # the file is there and holds the store's tables
    marks: dict[str, int] = field(default_factory=dict)
    max_log_id: int = 0
    actions: int = 0
    events: int = 0


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- reading, without creating anything ------------------------------------------------


def warehouse_state(settings: Settings) -> WarehouseState:
    if not settings.warehouse_path.exists():
        return WarehouseState(exists=False)
    with connect(settings, read_only=True) as con:
        tables = table_names(con)
        state = WarehouseState(exists=True)
        if "meta.continuity" in tables:
            state.marks = dict(con.execute("select name, value from meta.continuity").fetchall())
        state.max_file_seq = _max_file_seq(con, tables)
    return state


def _max_file_seq(con: duckdb.DuckDBPyConnection, tables: set[str] | None = None) -> int:
    if "raw.ingested_files" not in (table_names(con) if tables is None else tables):
        return 0
    return con.execute("select coalesce(max(file_seq), 0) from raw.ingested_files").fetchone()[0]


def ops_state(settings: Settings) -> OpsState:
    return ops_state_of(settings.ops_store_path)


def ops_state_of(path: Path) -> OpsState:
    """The ops store at ``path`` (SQLite), read without creating anything."""
    if not path.exists() or path.stat().st_size == 0:
        return OpsState(exists=False)
    engine = sa.create_engine(f"sqlite:///{path}")  # not engine_for: it creates the tables
    try:
        names = set(sa.inspect(engine).get_table_names())
        if ops_store.dunning_action_log.name not in names:
            return OpsState(exists=False)
        with engine.connect() as con:
            state = OpsState(exists=True)
            state.max_log_id = con.execute(
                sa.select(sa.func.coalesce(sa.func.max(ops_store.dunning_action_log.c.log_id), 0))
            ).scalar_one()
            state.actions = con.execute(
                sa.select(sa.func.count()).select_from(ops_store.dunning_actions)
            ).scalar_one()
            state.events = con.execute(
                sa.select(sa.func.count()).select_from(ops_store.events)
            ).scalar_one()
            if ops_store.continuity.name in names:
                state.marks = {
                    r.name: r.value for r in con.execute(sa.select(ops_store.continuity))
                }
        return state
    finally:
        engine.dispose()


def ledger_outbox_files(settings: Settings) -> int:
    return sum(
        1
        for kind in LEDGER_OUTBOX_KINDS
        if settings.outbox(kind).is_dir()
        for p in settings.outbox(kind).rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


# --- the check ------------------------------------------------------------------------


def problems(settings: Settings) -> list[str]:
    """What the stores' marks say was lost; empty when they agree."""
    wh, ops = warehouse_state(settings), ops_state(settings)
    found: list[str] = []
    wh_runs, ops_runs = wh.marks.get("runs", 0), ops.marks.get("runs", 0)
    seen_files = ops.marks.get("warehouse_file_seq", 0)
    if ops_runs and not wh.exists:
        found.append(
            f"the warehouse {settings.warehouse_path} is missing, but the ops store records "
            f"{ops_runs} run(s) and {seen_files} ingested file(s)"
        )
    elif seen_files > wh.max_file_seq:
        found.append(
            f"the warehouse holds {wh.max_file_seq} ingested file(s), but the ops store saw "
            f"{seen_files} at the last run: it is empty or older than the ops store"
        )
    elif ops_runs > wh_runs:
        found.append(
            f"the warehouse records {wh_runs} run(s), the ops store {ops_runs}: the "
            "warehouse is older than the ops store"
        )
    seen_log, seen_events = wh.marks.get("ops_ledger_log_id", 0), wh.marks.get("ops_events", 0)
    if wh_runs and not ops.exists:
        found.append(
            f"the ops store {settings.ops_store_path} is missing or empty, but the warehouse "
            f"records {wh_runs} run(s) and an action ledger up to entry {seen_log}: a run "
            "now would send every reminder already sent again"
        )
    else:
        if seen_log > ops.max_log_id:
            found.append(
                f"the ops store's action ledger ends at entry {ops.max_log_id}, but the "
                f"warehouse saw entry {seen_log}: actions already sent would be sent again"
            )
        if seen_events > ops.events:
            found.append(
                f"the ops store holds {ops.events} event(s), but the warehouse saw "
                f"{seen_events}: notes, promises, disputes or approvals were lost"
            )
        if wh_runs > ops_runs + 1:  # one behind is a crash between the two marks
            found.append(
                f"the ops store records {ops_runs} run(s), the warehouse {wh_runs}: the "
                "ops store is older than the warehouse"
            )
    outbox = ledger_outbox_files(settings)
    if outbox > ops.marks.get("outbox_files_accepted", 0) and ops.actions == 0:
        found.append(
            f"the outbox holds {outbox} e-mail, letter or agency file(s) of earlier runs, "
            "but the ops store's action ledger is empty"
        )
    return found


def check(settings: Settings) -> None:
    """Raise :class:`WorkspaceStateError` if a store lost history the others remember."""
    found = problems(settings)
    if found:
        raise WorkspaceStateError(found)


# --- the marks ------------------------------------------------------------------------


def record_marks(settings: Settings) -> dict[str, int]:
    """At the end of a run: each store records what it has now seen of the other."""
    return _write_marks(settings, new_run=True)


def _write_marks(
    settings: Settings, *, new_run: bool, ops_extra: dict[str, int] | None = None
) -> dict[str, int]:
    """Both stores' marks from what each holds now, the warehouse first (its marks describe
    the ops store, which is committed already); ``new_run`` counts a run."""
    engine = ops_store.engine_for(settings)
    ops = ops_state(settings)
    with connect(settings) as con:
        _ensure_marks_table(con)
        known = dict(con.execute("select name, value from meta.continuity").fetchall())
        runs = max(known.get("runs", 0), ops.marks.get("runs", 0)) + int(new_run)
        seen = {"runs": runs, "ops_ledger_log_id": ops.max_log_id, "ops_events": ops.events}
        con.executemany(
            "insert or replace into meta.continuity values (?, ?, ?)",
            [(name, value, _now()) for name, value in seen.items()],
        )
        file_seq = _max_file_seq(con)
    write_ops_marks(engine, {"runs": runs, "warehouse_file_seq": file_seq, **(ops_extra or {})})
    return {**seen, "warehouse_file_seq": file_seq}


def _ensure_marks_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists meta")
    con.execute(
        "create table if not exists meta.continuity "
        "(name varchar primary key, value bigint not null, recorded_at timestamp not null)"
    )


def write_ops_marks(engine: sa.Engine, marks: dict[str, int]) -> None:
    now = _now()
    with engine.begin() as con:
        for name, value in marks.items():
            con.execute(ops_store.continuity.delete().where(ops_store.continuity.c.name == name))
            con.execute(ops_store.continuity.insert().values(name=name, value=value, at=now))


def accept_state(settings: Settings, actor: str, reason: str) -> list[str]:
    """A person accepts the stores as they are (a warehouse deliberately rebuilt, an ops
    store deliberately replaced): the marks are set to what each store holds now, and who
    did it, why and what the check had found is kept in the ops store. Returns the
    problems that were accepted."""
    if not reason.strip():
        raise ValueError("accepting the workspace's state needs a reason")
    found = problems(settings)
    _write_marks(
        settings,
        new_run=False,
        ops_extra={"outbox_files_accepted": ledger_outbox_files(settings)},
    )
    log_decision(settings, actor, reason, found)
    return found


def log_decision(settings: Settings, actor: str, reason: str, found: list[str]) -> None:
    """Keep in the ops store who changed a store's history on purpose, why, and what the
    check had found (accept-state, restore)."""
    with ops_store.engine_for(settings).begin() as con:
        con.execute(
            ops_store.continuity_log.insert().values(
                at=_now(), actor=actor, reason=reason.strip(), problems="\n".join(found)
            )
        )

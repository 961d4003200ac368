"""Publish a read-only snapshot of the marts for the dashboards.

DuckDB allows one writer or many readers, never both; the dashboards therefore never open
the pipeline's file. After each successful build the marts (the only tables the app reads,
dashboards/queries.py) are written into a new database file next to the serving file,
which is then renamed over it: readers see the old or the new snapshot, never a
half-written one. Copying the marts instead of the whole warehouse keeps the publish in
proportion to what the app shows, not to all raw and intermediate history.

A snapshot that would make customers or open items vanish on a large scale is held for a
person instead of published: an ERP "full" extract cut off halfway, or a warehouse rebuilt
from a partial archive, would otherwise show the CFO half a company as if it were true.
The comparison is with the published snapshot of the same or an earlier as-of date (a
deliberate run for a past date is not a drop); ``forderwerk publish --accept-drop`` lets a
person publish it anyway.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from core.settings import Settings
from orchestration.loading.warehouse import attached, connect, table_names

#: the marts whose row counts must not collapse between two snapshots
GUARDED_MARTS = ("dim_customers", "fct_open_items")
#: below this many rows in the published snapshot a drop says nothing (a new company)
MIN_GUARDED_ROWS = 20


class PublishHeld(RuntimeError):
    """The new snapshot would drop more than the allowed share of customers or items."""


@dataclass(frozen=True)
class Drop:
    mart: str
    before: int
    after: int

    @property
    def share(self) -> float:
        return 1 - self.after / self.before

    def __str__(self) -> str:
        return f"marts.{self.mart}: {self.before} -> {self.after} rows (-{self.share:.0%})"


def publish_snapshot(
    settings: Settings, as_of: date | None = None, *, accept_drop: bool = False
) -> int:
    """Replace serving/warehouse.duckdb atomically; returns the snapshot's size in bytes.

    Raises :class:`PublishHeld` (publishing nothing) when a guarded mart would lose more
    than ``settings.publish_max_drop`` of its rows, unless ``accept_drop``."""
    target = settings.serving_path
    with connect(settings) as con:
        if not accept_drop:
            drops = snapshot_drops(con, settings, as_of)
            if drops:
                raise PublishHeld(
                    "the new snapshot was not published, the dashboards keep the last one: "
                    + "; ".join(map(str, drops))
                    + f" (more than {settings.publish_max_drop:.0%} fewer). Check the "
                    "latest ERP extracts; if the drop is real, publish it with "
                    "`forderwerk publish --accept-drop`."
                )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        partial.unlink(missing_ok=True)
        _write_marts(con, partial, as_of)
    os.replace(partial, target)
    return target.stat().st_size


def _write_marts(con: duckdb.DuckDBPyConnection, path: Path, as_of: date | None) -> None:
    """Every mart into a new database file at ``path``, and meta.snapshot: which day it
    answers (the next publish compares only with a snapshot of the same or an earlier day)."""
    with attached(con, path, "snapshot"):
        con.execute("create schema snapshot.marts")
        for name in sorted(table_names(con)):
            schema, table = name.split(".")
            if schema == "marts":
                con.execute(
                    f'create table snapshot.marts."{table}" as select * from marts."{table}"'
                )
        con.execute("create schema snapshot.meta")
        con.execute("create table snapshot.meta.snapshot (as_of date, published_at timestamp)")
        con.execute(
            "insert into snapshot.meta.snapshot values (?, ?)",
            [as_of, datetime.now(UTC).replace(tzinfo=None)],
        )


def snapshot_drops(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date | None
) -> list[Drop]:
    """Guarded marts that have fewer rows than in the published snapshot by more than the
    allowed share; none when there is no snapshot of the same or an earlier as-of date."""
    if not settings.serving_path.exists():
        return []
    with attached(con, settings.serving_path, "published", read_only=True):
        published, ours = table_names(con, "published"), table_names(con)
        if as_of is not None and "meta.snapshot" in published:
            published_as_of = con.execute("select as_of from published.meta.snapshot").fetchone()
            if published_as_of and published_as_of[0] and published_as_of[0] > as_of:
                return []  # a deliberate run for an earlier day
        drops = []
        for mart in GUARDED_MARTS:
            if f"marts.{mart}" not in published & ours:
                continue
            before = con.execute(f"select count(*) from published.marts.{mart}").fetchone()[0]
            after = con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            drop = Drop(mart, before, after)
            if before >= MIN_GUARDED_ROWS and drop.share > settings.publish_max_drop:
                drops.append(drop)
        return drops

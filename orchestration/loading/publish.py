"""Publish a read-only snapshot of the warehouse for the dashboards.

DuckDB allows one writer or many readers, never both; the dashboards therefore never open
the pipeline's file. After each successful build the warehouse is checkpointed and copied
next to the serving file, then renamed over it: readers see the old or the new snapshot,
never a half-written one.

A snapshot that would make customers or open items vanish on a large scale is held for a
person instead of published: an ERP "full" extract cut off halfway, or a warehouse rebuilt
from a partial archive, would otherwise show the CFO half a company as if it were true.
The comparison is with the published snapshot of the same or an earlier as-of date (a
deliberate run for a past date is not a drop); ``forderwerk publish --accept-drop`` lets a
person publish it anyway.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb

from orchestration.loading.warehouse import connect
from orchestration.settings import Settings

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
        _stamp(con, as_of)
        con.execute("checkpoint")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(settings.warehouse_path, partial)
    os.replace(partial, target)
    return target.stat().st_size


def snapshot_drops(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date | None
) -> list[Drop]:
    """Guarded marts that have fewer rows than in the published snapshot by more than the
    allowed share; none when there is no snapshot of the same or an earlier as-of date."""
    if not settings.serving_path.exists():
        return []
    quoted = str(settings.serving_path).replace("'", "''")
    con.execute(f"attach '{quoted}' as published (read_only)")
    try:
        tables = {
            (d, s, t)
            for d, s, t in con.execute(
                "select database_name, schema_name, table_name from duckdb_tables()"
            ).fetchall()
        }
        if as_of is not None and ("published", "meta", "snapshot") in tables:
            published_as_of = con.execute("select as_of from published.meta.snapshot").fetchone()
            if published_as_of and published_as_of[0] and published_as_of[0] > as_of:
                return []  # a deliberate run for an earlier day
        drops = []
        for mart in GUARDED_MARTS:
            if not {("published", "marts", mart), (con_name(con), "marts", mart)} <= tables:
                continue
            before = con.execute(f"select count(*) from published.marts.{mart}").fetchone()[0]
            after = con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            drop = Drop(mart, before, after)
            if before >= MIN_GUARDED_ROWS and drop.share > settings.publish_max_drop:
                drops.append(drop)
        return drops
    finally:
        con.execute("detach published")


def con_name(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]


def _stamp(con: duckdb.DuckDBPyConnection, as_of: date | None) -> None:
    """Which as-of date the snapshot answers, for the next publish's comparison."""
    con.execute("create schema if not exists meta")
    con.execute("create or replace table meta.snapshot (as_of date, published_at timestamp)")
    con.execute(
        "insert into meta.snapshot values (?, ?)",
        [as_of, datetime.now(UTC).replace(tzinfo=None)],
    )

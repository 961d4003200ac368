"""Read-only connections to the published serving snapshot, for every reader of it: the
app's pages (dashboards.snapshot), a reversal's check (actions.reversals) and the demo
users (core.users).

The pipeline replaces ``serving/warehouse.duckdb`` atomically (a rename); a reader opens a
fresh connection per question, so it reads one whole snapshot and never blocks the
pipeline. An open that meets the file just being replaced is tried again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

OPEN_ATTEMPTS = 3


class SnapshotUnavailable(RuntimeError):
    """The snapshot cannot answer now; pages show a friendly message instead."""


class SnapshotMissing(SnapshotUnavailable):
    """No snapshot has been published yet (the pipeline has not run)."""


class MartMissing(SnapshotUnavailable):
    """The snapshot predates a mart (or a column) this reader reads."""


@contextmanager
def snapshot_connection(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the snapshot at ``path``; a query naming a mart or column
    it lacks raises MartMissing."""
    if not Path(path).exists():
        raise SnapshotMissing(str(path))
    for attempt in range(OPEN_ATTEMPTS):
        try:
            con = duckdb.connect(
                str(path), read_only=True, config={"autoinstall_known_extensions": "false"}
            )
            break
        except duckdb.IOException as exc:
            # the file was being replaced by a publish just then: the next open sees the new one
            if attempt == OPEN_ATTEMPTS - 1:
                raise SnapshotUnavailable(str(exc)) from exc
            time.sleep(0.2 * (attempt + 1))
    try:
        yield con
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        raise MartMissing(str(exc).splitlines()[0]) from exc
    finally:
        con.close()


def snapshot_rows(path: Path | str, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    """One query on its own connection to the snapshot, as rows."""
    with snapshot_connection(path) as con:
        return con.execute(sql, list(params)).fetchall()

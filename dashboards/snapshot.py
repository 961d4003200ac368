"""Short-lived, read-only connections to the published serving snapshot.

The pipeline replaces ``serving/warehouse.duckdb`` atomically (a rename); opening a fresh
connection per query means a page always reads one whole snapshot and never blocks the
pipeline. A :class:`Snapshot` names the file *and* its version (modification time), so
cached query results are keyed by the snapshot they came from: a newly published snapshot
is read at once, without waiting for a cache to expire.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from core.settings import Settings, load_settings

OPEN_ATTEMPTS = 3


class SnapshotUnavailable(RuntimeError):
    """The snapshot cannot answer now; pages show a friendly message instead."""


class SnapshotMissing(SnapshotUnavailable):
    """No snapshot has been published yet (the pipeline has not run)."""


class MartMissing(SnapshotUnavailable):
    """The snapshot predates a mart (or a column) this page reads."""


@dataclass(frozen=True)
class Snapshot:
    path: str
    version: int


def current_snapshot(settings: Settings | None = None) -> Snapshot:
    settings = settings or load_settings()
    path = settings.serving_path
    try:
        version = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise SnapshotMissing(str(path)) from None
    return Snapshot(path=str(path), version=version)


def read_frame(snapshot: Snapshot, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run one query on its own read-only connection and return the result."""
    for attempt in range(OPEN_ATTEMPTS):
        try:
            con = duckdb.connect(
                snapshot.path, read_only=True, config={"autoinstall_known_extensions": "false"}
            )
        except duckdb.IOException as exc:
            # the file was being replaced by a publish just then: the next open sees the new one
            if attempt == OPEN_ATTEMPTS - 1:
                raise SnapshotUnavailable(str(exc)) from exc
            time.sleep(0.2 * (attempt + 1))
            continue
        try:
            return con.execute(sql, list(params)).df()
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            raise MartMissing(str(exc).splitlines()[0]) from exc
        finally:
            con.close()
    raise SnapshotUnavailable(snapshot.path)  # pragma: no cover - loop always returns/raises

"""The app's view of the published serving snapshot (connections: core.serving).

A :class:`Snapshot` names the file *and* its version (modification time), so
cached query results are keyed by the snapshot they came from: a newly published snapshot
is read at once, without waiting for a cache to expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core.serving import MartMissing, SnapshotMissing, SnapshotUnavailable, snapshot_connection
from core.settings import Settings, load_settings

__all__ = [
    "MartMissing",
    "Snapshot",
    "SnapshotMissing",
    "SnapshotUnavailable",
    "current_snapshot",
    "read_frame",
]


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
    with snapshot_connection(snapshot.path) as con:
        return con.execute(sql, list(params)).df()

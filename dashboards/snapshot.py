"""Short-lived, read-only connections to the published serving snapshot.

The pipeline replaces ``serving/warehouse.duckdb`` atomically; opening a fresh connection
per query means a page always reads one whole snapshot and never blocks the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from orchestration.settings import Settings, load_settings


class SnapshotMissing(RuntimeError):
    """No snapshot has been published yet (the pipeline has not run)."""


def read_frame(
    sql: str, params: Sequence[object] = (), settings: Settings | None = None
) -> pd.DataFrame:
    settings = settings or load_settings()
    path = settings.serving_path
    if not path.exists():
        raise SnapshotMissing(f"no published snapshot at {path}; run `forderwerk run` first")
    with duckdb.connect(
        str(path), read_only=True, config={"autoinstall_known_extensions": "false"}
    ) as con:
        return con.execute(sql, list(params)).df()

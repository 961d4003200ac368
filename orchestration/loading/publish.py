"""Publish a read-only snapshot of the warehouse for the dashboards.

DuckDB allows one writer or many readers, never both; the dashboards therefore never open
the pipeline's file. After each successful build the warehouse is checkpointed and copied
next to the serving file, then renamed over it: readers see the old or the new snapshot,
never a half-written one.
"""

from __future__ import annotations

import os
import shutil

from orchestration.loading.warehouse import connect
from orchestration.settings import Settings


def publish_snapshot(settings: Settings) -> int:
    """Replace serving/warehouse.duckdb atomically; returns the snapshot's size in bytes."""
    with connect(settings) as con:
        con.execute("checkpoint")
    target = settings.serving_path
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(settings.warehouse_path, partial)
    os.replace(partial, target)
    return target.stat().st_size

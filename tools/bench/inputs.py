"""The peers' input: the warehouse tables they start from, exported to Parquet (untimed)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tools.bench.peers import INPUTS


def export_peer_inputs(warehouse: Path, folder: Path) -> dict[str, int]:
    """Write every table of :data:`INPUTS` whole (all columns) as ``<name>.parquet``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, table in INPUTS.items():
            target = folder / f"{name}.parquet"
            con.execute(f"copy (select * from {table}) to '{target}' (format parquet)")
            rows[name] = con.execute(f"select count(*) from {table}").fetchone()[0]
    return rows

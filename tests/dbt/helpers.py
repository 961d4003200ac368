"""Running dbt and reading its results in the dbt tests, one way for every area."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb

from core.settings import DBT_PROJECT_DIR, dbt_executable


def run_dbt(warehouse: Path, work: Path, *args: str) -> subprocess.CompletedProcess:
    """The dbt CLI on one warehouse file, with target and logs of its own under ``work``
    (so tests never share dbt's partial-parse state or step on each other's logs)."""
    return subprocess.run(
        [dbt_executable(), *args, "--profiles-dir", ".", "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "FORDERWERK_WAREHOUSE": str(warehouse)},
    )  # fmt: skip


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()

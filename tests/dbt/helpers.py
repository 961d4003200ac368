"""Running dbt and reading its results in the dbt tests, one way for every area."""

from __future__ import annotations

import json
import os
import shutil
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


def projections_differing(warehouse: Path, work: Path, as_of: str) -> dict[str, tuple[int, int]]:
    """The keyed projections of ``warehouse`` (dbt_project/macros/keyed_projection.sql,
    kept as state and stepped day by day) that differ from a full projection of ``as_of``
    made on a copy: table -> (rows only in the kept state, rows only in the full one). The
    day that wrote a row (_projected_on) is not compared. Fails when nothing recorded a
    projection of ``as_of``: the check would prove nothing."""
    work.mkdir(parents=True, exist_ok=True)
    fresh = work / "projected-afresh.duckdb"
    shutil.copyfile(warehouse, fresh)
    with duckdb.connect(str(fresh), read_only=True) as con:
        tables = [
            name
            for (name, day) in con.execute(
                "select t.schema_name || '.' || t.table_name, b.as_of_date "
                "from intermediate.projection_builds b join duckdb_tables() t "
                "on t.table_name = b.projection and t.database_name = current_database()"
            ).fetchall()
            if day.isoformat() == as_of
        ]
    assert tables, f"no keyed projection was built for {as_of}"
    done = run_dbt(
        fresh, work / "projected-afresh", "run", "--full-refresh",
        "--select", "config.incremental_strategy:keyed_projection",
        "--vars", json.dumps({"as_of_date": as_of}),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    differing = {}
    with duckdb.connect(str(fresh), read_only=True) as con:
        con.execute(f"attach '{warehouse}' as kept (read_only)")
        for table in tables:
            kept = f"select * exclude (_projected_on) from kept.{table}"
            full = f"select * exclude (_projected_on) from {table}"
            only = con.execute(
                f"select (select count(*) from ({kept} except all {full})), "
                f"(select count(*) from ({full} except all {kept}))"
            ).fetchone()
            if only != (0, 0):
                differing[table] = only
    return differing

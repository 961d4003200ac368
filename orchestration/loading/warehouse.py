"""Connections to the DuckDB warehouse, configured the same way for every process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

from core.settings import Settings


def connect(settings: Settings, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; only the pipeline opens it for writing (DESIGN.md)."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str] = {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }
    if settings.duckdb_threads:
        config["threads"] = str(settings.duckdb_threads)
    if settings.duckdb_memory_limit:
        config["memory_limit"] = settings.duckdb_memory_limit
    return duckdb.connect(str(settings.warehouse_path), read_only=read_only, config=config)


def table_names(con: duckdb.DuckDBPyConnection, database: str | None = None) -> set[str]:
    """``schema.table`` of every table in ``database`` (default: the connection's own)."""
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = coalesce(?, current_database())",
        [database],
    ).fetchall()
    return {f"{schema}.{table}" for schema, table in rows}


@contextlib.contextmanager
def attached(
    con: duckdb.DuckDBPyConnection, path: Path, alias: str, *, read_only: bool = False
) -> Iterator[None]:
    """Another DuckDB file attached to ``con`` as ``alias`` for the block."""
    quoted = str(path).replace("'", "''")  # ATTACH takes no bound parameters
    con.execute(f"attach '{quoted}' as {alias}" + (" (read_only)" if read_only else ""))
    try:
        yield
    finally:
        con.execute(f"detach {alias}")

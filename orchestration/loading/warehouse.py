"""Connections to the DuckDB warehouse, configured the same way for every process."""

from __future__ import annotations

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

"""A contracted mart's required columns are constraints of its table, not data tests.

A `not_null` data test is a query of its own after the build (a Dagster check and about
20 ms of dbt per test every day); a `not_null` constraint of the enforced contract is
checked by DuckDB on every insert, so a null never reaches a consumer and costs nothing
extra. The oracle: every column the contracts call not null is NOT NULL in the built
sample warehouse, and a null written there is refused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings


def _declared_not_null(manifest: Path) -> set[tuple[str, str]]:
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {
        (node["name"], column["name"])
        for node in nodes
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"]
        for column in node["columns"].values()
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    }


def test_the_contracts_not_null_columns_are_constraints_of_the_tables(
    sample_workspace: Settings, dbt_manifest: Path
):
    declared = _declared_not_null(dbt_manifest)
    assert ("fct_open_items", "customer_id") in declared
    assert ("fct_payment_matches", "applied_amount") in declared
    with duckdb.connect(str(sample_workspace.warehouse_path), read_only=True) as con:
        built = set(
            con.execute(
                "select table_name, unnest(constraint_column_names) from duckdb_constraints() "
                "where schema_name = 'marts' and constraint_type = 'NOT NULL'"
            ).fetchall()
        )
    assert declared - built == set()


def test_a_null_in_a_required_column_is_refused(sample_workspace: Settings, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_workspace.warehouse_path, warehouse)
    with duckdb.connect(str(warehouse)) as con, pytest.raises(duckdb.ConstraintException):
        con.execute(
            "insert into marts.fct_open_items "
            "select * replace (cast(null as varchar) as customer_id) "
            "from marts.fct_open_items limit 1"
        )

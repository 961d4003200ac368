"""Every dbt unit test (the hand-computed oracles for dates, money, KPIs and matching rules).

The daily build leaves them out (they test the SQL's logic on fixed inputs, not the day's
data); here they run on a copy of the built sample warehouse, since dbt reads the column
types of each model's parents from the database.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.settings import Settings
from tests.conftest import sample_as_of
from tests.dbt.helpers import run_dbt

pytestmark = pytest.mark.slow


def test_every_unit_test_passes(sample_workspace: Settings, dbt_manifest: Path, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_workspace.warehouse_path, warehouse)
    variables = json.dumps({"as_of_date": sample_as_of()})
    done = run_dbt(warehouse, tmp_path, "test", "--select", "test_type:unit", "--vars", variables)
    assert done.returncode == 0, done.stdout[-6000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    passed = sum(
        r["unique_id"].startswith("unit_test.") and r["status"] == "pass" for r in results
    )  # the run's on-run-start hook is a result too
    defined = len(json.loads(dbt_manifest.read_text())["unit_tests"])
    assert passed == defined >= 46, f"{passed} of {defined} unit tests passed"

"""The benchmark's three implementations of the core marts agree on a tiny company.

A few months of a generated company go through the real ingestion and the dbt models
(cash application included); the pandas and polars peers then compute the same marts from
the exported inputs and must match the warehouse exactly (cents, 1/10 000 day DSO,
1/100 day average days late).
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from core.settings import DBT_PROJECT_DIR, Settings, dbt_executable, load_settings
from orchestration.loading.files import stage_into_landing
from orchestration.loading.ingest import ingest_source
from orchestration.loading.reference import load_fx_rates
from orchestration.loading.warehouse import connect
from tools.bench import check, dbt_cli
from tools.bench.inputs import export_peer_inputs
from tools.bench.peers import pandas_peer, polars_peer
from tools.generate import generate_company
from tools.generate.config import SAMPLE_END

AS_OF = SAMPLE_END


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A tiny company (150 days, 400 invoices) ingested and built up to the core marts."""
    root = tmp_path_factory.mktemp("bench")
    company = root / "company"
    generate_company(
        company, seed=7, customers=40, invoices=400, start=AS_OF - timedelta(days=150), end=AS_OF
    )
    settings = load_settings({"FORDERWERK_HOME": str(root / "home")})
    settings.ensure_workspace()
    with connect(settings) as con:
        for source in ("erp", "bank", "bureau", "ops"):
            files = sorted((company / "landing" / source).glob("*"))
            stage_into_landing(settings, files, source)
            report = ingest_source(settings, con, source)
            assert not report.by_status("quarantined"), report.by_status("quarantined")
        load_fx_rates(settings, con)
    flags = [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(root / "target"),
        "--log-path",
        str(root / "logs"),
    ]
    variables = ["--vars", json.dumps({"as_of_date": AS_OF.isoformat()})]
    env = {**os.environ, **settings.dbt_environment()}
    for command in (
        [dbt_executable(), "seed", *flags],  # the reference tables the models join
        [dbt_executable(), "run", "--select", *dbt_cli.CORE_MARTS, *variables, *flags],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-4000:]
    return settings


@pytest.mark.parametrize("peer", [pandas_peer, polars_peer], ids=["pandas", "polars"])
def test_peer_matches_the_warehouse(warehouse: Settings, peer, tmp_path: Path) -> None:
    inputs = export_peer_inputs(warehouse.warehouse_path, tmp_path / "input")
    assert inputs["documents"] > 0 and inputs["payment_applications"] > 0
    rows = peer.run(tmp_path / "input", tmp_path / "output", AS_OF)
    expected = check.forderwerk_marts(warehouse.warehouse_path, AS_OF)
    assert check.differences(expected, check.peer_marts(tmp_path / "output")) == []
    assert rows == {name: sum(found.values()) for name, found in expected.items()}
    assert rows["open_items"] > 0 and rows["dso"] == 3  # FW01, FW02 and ALL


def test_a_difference_is_reported(warehouse: Settings, tmp_path: Path) -> None:
    export_peer_inputs(warehouse.warehouse_path, tmp_path / "input")
    polars_peer.run(tmp_path / "input", tmp_path / "output", AS_OF)
    expected = check.forderwerk_marts(warehouse.warehouse_path, AS_OF)
    ((entity, dso),) = [k for k in expected["dso"] if k[0] == "ALL"]
    expected["dso"] = expected["dso"] - check.Counter({(entity, dso): 1})
    expected["dso"][(entity, (dso or 0) + 1)] += 1
    with pytest.raises(check.ResultsDiffer, match="dso: 3 rows expected, 1 missing"):
        check.assert_identical("polars", expected, tmp_path / "output")

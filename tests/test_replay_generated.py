"""Replay equals posting on a generated company, not only on the bundled sample: its last
days run one by one as production runs them (each morning the files that had arrived by
then), then `forderwerk rebuild` replays them from the archive into a fresh warehouse and
finds the posted ledger and every mart identical, row by row, to the cent. `make test` runs
it (about 100 s) beside the sample's simulated days, `make month` too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.settings import load_settings
from orchestration import cli
from orchestration.loading.files import stage_into_landing
from tests.test_as_of_reproducible import existed_on
from tools.generate import generate_company

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

#: another seed than the sample's, a small company, two days: the opening and one day of posting
COMPANY = {
    "seed": 11,
    "customers": 40,
    "invoices": 700,
    "start": date(2026, 3, 2),
    "end": date(2026, 9, 30),
}
DAYS = [date(2026, 9, 29), date(2026, 9, 30)]


def test_replay_of_a_generated_company_equals_its_daily_runs(
    tmp_path: Path, dbt_manifest: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    company = tmp_path / "company"
    generate_company(company, **COMPANY)
    monkeypatch.setenv("FORDERWERK_HOME", str(tmp_path / "home"))
    settings = load_settings()
    settings.ensure_workspace()
    staged: set[Path] = set()
    for day in DAYS:
        for source in ("erp", "bank", "bureau", "ops"):
            arrived = [
                p
                for p in sorted((company / "landing" / source).glob("*"))
                if p not in staged and existed_on(p, day)
            ]
            stage_into_landing(settings, arrived, source)
            staged.update(arrived)
        assert cli.main(["run", "--as-of", day.isoformat()]) == 0, day
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        arrivals = con.execute(
            "select count(distinct arrival_date) from raw.ingested_files where status = 'loaded'"
        ).fetchone()[0]
        posted = con.execute(
            "select count(*) from intermediate.int_payment_allocations_posted"
        ).fetchone()[0]
    assert arrivals == len(DAYS) and posted > 0
    capsys.readouterr()

    assert cli.main(["rebuild"]) == 0, capsys.readouterr().out
    assert f"identical: {len(DAYS)} day(s) replayed" in capsys.readouterr().out

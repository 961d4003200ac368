"""A past as-of date gives the same marts as a run on that day.

"On that day" = a workspace that received only the files that existed then (every landing
file of the sample is named by the day or month it covers); "later" = the full sample,
built for the same past as-of date.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings, load_settings
from orchestration.loading.files import stage_into_landing
from orchestration.runner import run_job
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow

AS_OF = date(2026, 6, 30)
COMPARED = {
    "fct_open_items": "document_id, open_amount, paid_amount, days_past_due, aging_bucket, "
    "in_dispute, dunning_blocked",
    "fct_payment_matches": "payment_id, document_id, applied_amount, match_method",
    "fct_aging": "customer_id, aging_bucket, open_amount_reporting, items",
    "fct_kpis_daily": "kpi_date, entity, dso_standard, dso_countback, cei, overdue_share",
}


def existed_on(path: Path, day: date) -> bool:
    """A file named for a later day or month had not arrived yet on ``day``."""
    found = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", path.name)
    if not found:
        return True
    year, month, dd = found.groups()
    return (int(year), int(month), int(dd or 1)) <= (day.year, day.month, day.day)


def marts(settings: Settings) -> dict[str, list[tuple]]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        result = {}
        for mart, cols in COMPARED.items():
            where = "where kpi_date = ?" if mart == "fct_kpis_daily" else ""
            params = [AS_OF] if where else []
            result[mart] = con.execute(
                f"select {cols} from marts.{mart} {where} order by all", params
            ).fetchall()
        return result


def test_past_as_of_equals_the_run_on_that_day(sample_workspace: Settings, tmp_path: Path):
    then = load_settings({"FORDERWERK_HOME": str(tmp_path / "then")})
    then.ensure_workspace()
    for source in ("erp", "bank", "bureau", "ops"):
        files = [p for p in sorted((SAMPLE / "landing" / source).glob("*")) if existed_on(p, AS_OF)]
        stage_into_landing(then, files, source)
    assert run_job(then, "daily_job", AS_OF).success

    later = load_settings({"FORDERWERK_HOME": str(tmp_path / "later")})
    shutil.copytree(sample_workspace.home, later.home)
    assert run_job(later, "daily_job", AS_OF).success

    on_the_day, afterwards = marts(then), marts(later)
    assert on_the_day["fct_open_items"], "the sample has open items on 2026-06-30"
    for mart in COMPARED:
        assert on_the_day[mart] == afterwards[mart], mart

"""The daily run tests what the day changed; the weekly full check tests everything.

Issue 19, point 5: a posted ledger's data tests look at the rows posted that day in the
daily run (the earlier days' rows were tested on their day and never change), the tests
that compare models over all of history wait for the weekly full check, and the full check
(and CI) runs every data test on every row.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from core.settings import Settings, load_settings
from orchestration.cli import main
from orchestration.definitions import defs
from orchestration.runner import run_job
from tests.conftest import sample_as_of
from tests.dbt.helpers import run_dbt

pytestmark = pytest.mark.slow

LEDGER = "intermediate.int_payment_allocations_posted"


def _post_bogus_row(warehouse: Path, posted_on: date) -> None:
    """A ledger row no posting may produce (an unknown posting kind) on ``posted_on``."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {LEDGER} by name select * replace ('bogus' as posting_kind, "
            f"? as posted_on, ? as posting_date) from {LEDGER} limit 1",
            [posted_on, posted_on],
        )


def _test_ledger(warehouse: Path, work: Path, scope: str, monkeypatch) -> tuple[int, str]:
    monkeypatch.setenv("FORDERWERK_TEST_SCOPE", scope)
    done = run_dbt(
        warehouse, work, "test", "--select", "int_payment_allocations_posted",
        "--exclude-resource-type", "unit_test",
        "--vars", json.dumps({"as_of_date": sample_as_of()}),
    )  # fmt: skip
    return done.returncode, done.stdout


def test_the_daily_scope_tests_the_rows_the_ledger_posted_that_day(
    sample_workspace: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_workspace.warehouse_path, warehouse)
    as_of = date.fromisoformat(sample_as_of())
    _post_bogus_row(warehouse, as_of - timedelta(days=3))

    code, out = _test_ledger(warehouse, tmp_path, "day", monkeypatch)
    assert code == 0, out[-3000:]  # an earlier day's row: tested on its day, not again
    assert "PASS=" in out and "ERROR=0" in out and "SKIP=0" in out
    code, out = _test_ledger(warehouse, tmp_path, "all", monkeypatch)
    assert code != 0 and "posted_posting_kind_in" in out  # the full check sees every row

    _post_bogus_row(warehouse, as_of)
    code, out = _test_ledger(warehouse, tmp_path, "day", monkeypatch)
    assert code != 0 and "posted_posting_kind_in" in out  # the day's own row fails the day's test


def test_the_daily_build_leaves_the_history_tests_to_the_weekly_check():
    definitions = defs()
    daily = definitions.resolve_assets_def(dg.AssetKey(["marts", "fct_open_items"]))
    checks = {key.name for key in daily.check_keys}
    assert "unique_fct_open_items_document_id" in checks  # row tests run every day
    assert not any(name.startswith("relationships_") for name in checks)
    assert not any(name.startswith("cash_payments_accounted_for") for name in checks)
    # the reconciliation to the cent stays daily (Python asset checks)
    all_checks = {key.name for key in definitions.resolve_asset_graph().asset_check_keys}
    assert "open_items_reconcile" in all_checks


def test_the_weekly_check_runs_sundays_after_the_daily_run():
    definitions = defs()
    schedule = definitions.resolve_schedule_def("weekly_full_check")
    assert schedule.cron_schedule == "0 7 * * 0"
    assert schedule.execution_timezone == "Europe/Berlin"
    sunday = datetime(2026, 12, 6, 7, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    with dg.build_schedule_context(
        scheduled_execution_time=sunday, repository_def=definitions.get_repository_def()
    ) as context:
        (request,) = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-12-06"


def test_the_daily_run_passes_a_bad_earlier_row_that_the_full_check_names(
    sample_workspace: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """End to end through Dagster: the daily job (a re-run of the sample's day) tests the
    rows the ledger posted that day; the weekly job tests every row of every model."""
    home = tmp_path / "home"
    shutil.copytree(sample_workspace.home, home)
    settings = load_settings({"FORDERWERK_HOME": str(home)})
    as_of = date.fromisoformat(sample_as_of())
    monkeypatch.setenv("FORDERWERK_HOME", str(home))
    assert main(["check", "--as-of", as_of.isoformat()]) == 0  # as a data engineer starts it

    _post_bogus_row(settings.warehouse_path, as_of - timedelta(days=3))
    daily = run_job(settings, "daily_job", as_of)
    assert daily.success, daily.failures  # an earlier day's row is not the day's to test

    # an application of a payment nobody knows: only a history test (relationships) sees it
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute(
            "insert into intermediate.int_payment_applications by name "
            "select * replace ('no-such-payment' as payment_id) "
            "from intermediate.int_payment_applications limit 1"
        )
    failed = run_job(settings, "full_check_job", as_of)
    assert not failed.success
    named = str(failed.failures)
    assert "expression_is_true_int_payment_allocations_posted_posting_kind_in" in named
    assert "relationships_int_payment_applications_payment_id" in named

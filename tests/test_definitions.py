"""The Dagster code location: loads, has the expected assets, runs ingestion for real."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.defs.ingest.sensors import landing_sensor
from orchestration.defs.resources import WorkspaceResource
from orchestration.loading.warehouse import connect
from orchestration.runner import run_job
from orchestration.settings import Settings
from tests.loading.test_ingest_erp import CUSTOMERS, DOCUMENTS

pytestmark = pytest.mark.usefixtures("dbt_manifest")

RAW_KEYS = {
    "raw/erp__customers",
    "raw/erp__documents",
    "raw/erp__payments",
    "raw/bureau__reports",
    "raw/ops__events",
    "raw/bank__transactions",
    "raw/bank__statements",
}


def test_definitions_load_with_every_raw_asset():
    definitions = defs()
    keys = {key.to_user_string() for key in definitions.resolve_all_asset_keys()}
    assert keys >= RAW_KEYS
    assert definitions.resolve_job_def("ingest_job") is not None
    assert definitions.resolve_sensor_def("landing_sensor") is not None
    assert definitions.resolve_job_def("daily_job") is not None
    schedule = definitions.resolve_schedule_def("daily_pipeline")
    assert schedule.execution_timezone == "Europe/Berlin"


def test_ingest_job_materialises_raw_tables(settings: Settings):
    (settings.landing("erp") / "customers.csv").write_text(CUSTOMERS)
    (settings.landing("erp") / "documents_2026-10.csv").write_text(DOCUMENTS)
    (settings.landing("bank") / "garbage.xml").write_text("<not-a-statement/>")
    outcome = run_job(settings, "ingest_job", date(2026, 11, 20))
    assert outcome.success, outcome.failures
    statuses = sorted((f["file_name"], f["status"]) for f in outcome.files)
    assert statuses == [
        ("customers.csv", "loaded"),
        ("documents_2026-10.csv", "loaded"),
        ("garbage.xml", "quarantined"),
    ]
    with connect(settings, read_only=True) as con:
        assert con.execute("select count(*) from raw.erp__documents").fetchone() == (2,)
    # a second run over an empty landing changes nothing
    again = run_job(settings, "ingest_job", date(2026, 11, 20))
    assert again.success and again.files == []


def test_landing_sensor_requests_one_run_per_new_set_of_files(settings: Settings, tmp_path: Path):
    # the workspace resource holds the run lock during runs (a context manager resource),
    # so sensor contexts are opened as the daemon opens them: with ``with``
    workspace = WorkspaceResource(home=str(settings.home))
    with dg.build_sensor_context(resources={"workspace": workspace}) as context:
        assert isinstance(landing_sensor(context), dg.SkipReason)
        (settings.landing("erp") / "customers.csv").write_text(CUSTOMERS)
        request = landing_sensor(context)
        assert isinstance(request, dg.RunRequest)
    with dg.build_sensor_context(
        cursor=context.cursor, resources={"workspace": workspace}
    ) as repeated:
        assert isinstance(landing_sensor(repeated), dg.SkipReason)  # same files, no 2nd run
    with dg.build_sensor_context(resources={"workspace": workspace}) as fresh:
        assert landing_sensor(fresh).run_key == request.run_key  # deterministic run key


def test_the_schedule_builds_the_day_it_runs_on():
    """06:00 Berlin time builds that day's partition, whatever the clock says later."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    schedule = defs().resolve_schedule_def("daily_pipeline")
    at = datetime(2026, 11, 20, 6, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    with dg.build_schedule_context(scheduled_execution_time=at) as context:
        (request,) = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-11-20"
    job = defs().resolve_job_def("daily_job")
    assert job.partitions_def.get_partition_keys()[0] == "2020-01-01"


def test_a_day_outside_the_partitions_is_refused(settings: Settings):
    from orchestration.runner import NoSuchDay

    with pytest.raises(NoSuchDay, match="2019-12-31 is not a day the pipeline can build"):
        run_job(settings, "daily_job", date(2019, 12, 31))
    with pytest.raises(NoSuchDay, match="days run from 2020-01-01"):
        run_job(settings, "daily_job", date.today() + timedelta(days=2))

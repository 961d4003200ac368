"""The Dagster code location: loads, has the expected assets, runs ingestion for real."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest

from core.settings import Settings
from orchestration.definitions import defs
from orchestration.defs.ingest.sensors import landing_sensor
from orchestration.defs.resources import WorkspaceResource
from orchestration.loading.warehouse import connect
from orchestration.runner import run_job
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


def test_ingest_checks_look_at_the_runs_own_files(settings: Settings):
    """History was checked when it arrived: a bad row from an earlier run does not fail
    today's check, a bad row among today's files does."""
    import shutil

    from orchestration.runner import instance_for
    from tests.conftest import FIXTURES

    def ingest(name: str) -> dict[str, bool]:
        shutil.copyfile(FIXTURES / "camt" / name, settings.landing("bank") / name)
        with instance_for(settings) as instance:
            result = (
                defs()
                .resolve_job_def("ingest_job")
                .execute_in_process(
                    instance=instance,
                    resources={"workspace": WorkspaceResource(home=str(settings.home))},
                )
            )
        return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}

    assert ingest("camt053_v02_statement.xml")["bank_amounts_positive"]
    with connect(settings) as con:  # an old row goes bad (it cannot, but say it did)
        con.execute("update raw.bank__transactions set amount = -amount")
    checks = ingest("camt053_v04_statement.xml")
    assert checks["bank_amounts_positive"] and checks["bank_transactions_unique"]
    from orchestration.defs.ingest.checks import bad_amounts, duplicate_keys

    with connect(settings) as con:
        (today,) = con.execute(
            "select run_id from raw.ingested_files order by file_seq desc limit 1"
        ).fetchone()
        con.execute(  # today's rows go bad, and one of today's keys is repeated
            "update raw.bank__transactions set amount = -amount where _file_seq = "
            "(select max(file_seq) from raw.ingested_files)"
        )
        con.execute(
            "insert into raw.bank__transactions select * from raw.bank__transactions "
            "where _file_seq = (select max(file_seq) from raw.ingested_files) limit 1"
        )
        assert bad_amounts(con, today) > 0 and duplicate_keys(con, today) == 1

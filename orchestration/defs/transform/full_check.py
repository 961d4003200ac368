"""The weekly full check: every data test of the warehouse on every row.

The daily build tests what the day changed (orchestration.daily_tests): the rows a posted
ledger added that day, and every model's row tests, but not the tests that compare models
over all of history. Those, and every other data test on all rows, run here, on Sunday
mornings after the daily run, against that day's warehouse. A failure fails the run and
lists the failing tests; it changes nothing in the warehouse.
"""

import json
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from core.business_day import BUSINESS_TIMEZONE_NAME
from orchestration.daily_tests import FULL_SCOPE
from orchestration.defs.partitions import as_of_days
from orchestration.defs.resources import WorkspaceResource
from orchestration.defs.transform.assets import as_of_for, dbt_environment

TEST_ARGS = ["test", "--exclude-resource-type", "unit_test"]


def data_test_results(run_results: Path) -> list[dict[str, object]]:
    """Each data test of a dbt run: its name, status (pass, warn, fail, error, skipped) and
    how many rows it found."""
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return [
        {"test": r["unique_id"].split(".")[2], "status": r["status"], "failures": r["failures"]}
        for r in results
        if r["unique_id"].startswith("test.")  # not the run's on-run-start hook
    ]


def _listing(results: list[dict[str, object]]) -> str:
    return "\n".join(f"- {r['test']}: {r['status']} ({r['failures']} rows)" for r in results)


@dg.op(description="Every data test of the warehouse on every row, for the run's day.")
def full_check(
    context: dg.OpExecutionContext, dbt: DbtCliResource, workspace: WorkspaceResource
) -> None:
    settings = workspace.settings()
    environment = {
        **settings.dbt_environment(),
        **FULL_SCOPE,
        "FORDERWERK_AS_OF_DATE": as_of_for(context),
    }
    with dbt_environment(environment):
        invocation = dbt.cli(TEST_ARGS, raise_on_error=False).wait()
    results = data_test_results(invocation.target_path / "run_results.json")
    failing = [r for r in results if r["status"] in ("fail", "error")]
    warning = [r for r in results if r["status"] == "warn"]
    context.log.info(
        f"full check: {len(results)} tests, {len(failing)} failing, {len(warning)} warning"
        + (f"\n{_listing(warning)}" if warning else "")
    )
    if failing or not invocation.is_successful():
        raise dg.Failure(
            f"the full check found {len(failing)} of {len(results)} data tests failing:\n"
            + _listing(failing),
            metadata={"tests": len(results), "failing": dg.MetadataValue.md(_listing(failing))},
        )


@dg.job(partitions_def=as_of_days, description="Every data test on every row (weekly).")
def full_check_job() -> None:
    full_check()


@dg.schedule(
    job=full_check_job,
    cron_schedule="0 7 * * 0",
    execution_timezone=BUSINESS_TIMEZONE_NAME,
    description="Sundays 07:00 Berlin time, after the day's 06:00 run: the full check.",
)
def weekly_full_check(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    day = context.scheduled_execution_time.date().isoformat()
    return dg.RunRequest(run_key=f"full-check-{day}", partition_key=day)

"""The receivables warehouse: every dbt model as an asset, dbt tests as asset checks."""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from core.settings import DBT_PROJECT_DIR, dbt_executable
from orchestration.daily_tests import DAILY_SELECTOR, DAY_SCOPE
from orchestration.defs.partitions import ONE_DAY_PER_RUN, as_of_days, run_day
from orchestration.defs.resources import WorkspaceResource

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


class WarehouseTranslator(DagsterDbtTranslator):
    """dbt folders become asset groups; sources keep their raw/<table> keys."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


@contextmanager
def dbt_environment(values: dict[str, str]) -> Iterator[None]:
    """dbt reads its profile's paths from the environment; set them for this invocation."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def as_of_for(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> str:
    """The run's as-of date: its day partition (read from the run's tags, which asset
    checks see as well); a run without one is a mistake, never "today"."""
    day = run_day(context.run.tags)
    if day is None:
        raise dg.Failure(
            "this run has no as-of date: launch the day partition to build "
            "(the schedule, a backfill, or `forderwerk run --as-of D`)"
        )
    return day.isoformat()


#: The daily build runs every model and the data tests of selector `daily_build`
#: (dbt_project/selectors.yml: the tests that read all of history wait for the weekly full
#: check, orchestration/defs/transform/full_check.py). dbt's unit tests check the SQL's logic
#: on fixed inputs, not the day's data, so they belong to CI (`make test` runs them in
#: tests/dbt/test_unit_tests.py), as dbt's documentation advises; in the daily run they
#: cost as much as all data tests together.
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    selector=DAILY_SELECTOR,
    dagster_dbt_translator=WarehouseTranslator(),
    partitions_def=as_of_days,
    backfill_policy=ONE_DAY_PER_RUN,
)
def warehouse_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, workspace: WorkspaceResource
):
    """Build and test staging, intermediate and mart models for the run's as-of date."""
    settings = workspace.settings()
    # the as-of date through the environment, not --vars, so dbt keeps its partial parse
    # (dbt_project/macros/as_of_date.sql)
    environment = {
        **settings.dbt_environment(),
        **DAY_SCOPE,
        "FORDERWERK_AS_OF_DATE": as_of_for(context),
    }
    with dbt_environment(environment):
        yield from dbt.cli(BUILD_ARGS, context=context).stream()


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())}
    )

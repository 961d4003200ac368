"""Resources shared by every domain of the code location."""

import contextlib
from collections.abc import Iterator
from typing import Self

import dagster as dg

from core.settings import Settings, load_settings
from orchestration import continuity
from orchestration.run_lock import run_lock


class WorkspaceResource(dg.ConfigurableResource):
    """The Forderwerk workspace (DESIGN.md, Workspace); ``home`` overrides FORDERWERK_HOME.

    A run's steps hold the workspace's run lock while they execute, so a run the daemon
    started and one started by ``forderwerk run`` take turns instead of failing on the
    warehouse's lock (``orchestration.run_lock``); sensors, which only look, do not. Nothing
    runs on stores that lost history the others remember (``orchestration.continuity``)."""

    home: str | None = None

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[Self]:
        if context.dagster_run is None:  # a sensor or schedule evaluation, not a run
            yield self
            return
        what = f"Dagster run {context.dagster_run.run_id[:8]} ({context.dagster_run.job_name})"
        settings = self.settings()
        with run_lock(settings, what, on_wait=context.log.info if context.log else None):
            continuity.check(settings)
            yield self

    def settings(self) -> Settings:
        overrides = {"FORDERWERK_HOME": self.home} if self.home else {}
        base = load_settings()
        if not overrides:
            return base
        return load_settings({**_settings_env(base), **overrides})


def _settings_env(settings: Settings) -> dict[str, str]:
    """The environment that reproduces ``settings`` (so a home override keeps the rest)."""
    env = {"FORDERWERK_DBT_PROJECT_DIR": str(settings.dbt_project_dir)}
    optional = {
        "SENDGRID_API_KEY": settings.sendgrid_api_key,
        "FORDERWERK_SENDGRID_HOST": settings.sendgrid_host,
        "FORDERWERK_MAIL_FROM": settings.mail_from,
        "FORDERWERK_DUCKDB_THREADS": str(settings.duckdb_threads)
        if settings.duckdb_threads
        else None,
        "FORDERWERK_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
        "FORDERWERK_RUN_LOCK_TIMEOUT": str(settings.run_lock_timeout),
        "FORDERWERK_PUBLISH_MAX_DROP": str(settings.publish_max_drop),
    }
    return env | {k: v for k, v in optional.items() if v}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"workspace": WorkspaceResource()})

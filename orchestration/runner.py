"""Run the Dagster jobs headless, in process, against the workspace's Dagster instance.

The CLI and the tests go through here, so they execute exactly the definitions the Dagster
UI shows, and every run appears in its history.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg

from core.settings import Settings
from orchestration import continuity
from orchestration.run_lock import run_lock
from orchestration.runner_tags import AS_OF_TAG

INSTANCE_TEMPLATE = Path(__file__).resolve().parent / "dagster.yaml"


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    files: list[dict[str, object]] = field(default_factory=list)  # per landing file handled
    dunning: dict[str, int] = field(default_factory=dict)  # the dunning run's counts, if any
    #: deliveries a person must resolve after the run (failed or uncertain), if dunning ran
    attention: list[dict[str, object]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # failed steps, with their error


def instance_for(settings: Settings) -> dg.DagsterInstance:
    """The persistent instance under FORDERWERK_HOME/dagster, shared with `forderwerk serve`."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_TEMPLATE, config)
    return dg.DagsterInstance.from_config(str(settings.dagster_home))


class NoSuchDay(ValueError):
    """The as-of date is not a day partition of the job (before the first or in the future)."""


def _partition_key(job: dg.JobDefinition, as_of: date) -> str | None:
    """The day partition ``as_of`` builds, for a partitioned job (``daily_job``)."""
    partitions = job.partitions_def
    if partitions is None:
        return None
    key = as_of.isoformat()
    if not partitions.has_partition_key(key):
        keys = partitions.get_partition_keys()
        raise NoSuchDay(
            f"{key} is not a day the pipeline can build: days run from {keys[0]} "
            f"to {keys[-1]} (today, Europe/Berlin)"
        )
    return key


def run_job(
    settings: Settings,
    job_name: str,
    as_of: date,
    tags: dict[str, str] | None = None,
    console_level: str | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Execute one job of the definitions with the workspace pointed at ``settings.home``.

    ``console_level`` (e.g. ``"WARNING"``) quiets Dagster's console logger; the run's
    event log in the instance, which the Dagster UI shows, keeps every event. While another
    run holds the workspace, this one waits for it (``on_wait`` hears why), never skips.
    Raises ``continuity.WorkspaceStateError`` when a store lost history (nothing runs)."""
    run_config = (
        {"loggers": {"console": {"config": {"log_level": console_level}}}}
        if console_level
        else None
    )
    from orchestration.definitions import defs
    from orchestration.defs.dunning.assets import dunning_run
    from orchestration.defs.resources import WorkspaceResource

    settings.ensure_workspace()
    job = defs().resolve_job_def(job_name)
    partition_key = _partition_key(job, as_of)
    with (
        run_lock(settings, f"{job_name} for {as_of}", on_wait=on_wait),
        instance_for(settings) as instance,
    ):
        continuity.check(settings)  # before Dagster starts: a clear message, no failed run
        result = job.execute_in_process(
            partition_key=partition_key,
            instance=instance,
            raise_on_error=False,
            run_config=run_config,
            tags={AS_OF_TAG: as_of.isoformat(), **(tags or {})},
            resources={"workspace": WorkspaceResource(home=str(settings.home))},
        )
    outcome = RunOutcome(run_id=result.run_id, success=result.success)
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        files = metadata.get("files")
        if files is not None:
            outcome.files.extend(files.value)
        if event.asset_key == dunning_run.key:
            attention = metadata.get("needs_attention")
            outcome.attention = list(attention.value) if attention is not None else []
            outcome.dunning = {
                k: int(v.value) for k, v in metadata.items() if k != "needs_attention"
            }
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            outcome.failures.append(f"{event.step_key}: {error.message.strip() if error else ''}")
    return outcome

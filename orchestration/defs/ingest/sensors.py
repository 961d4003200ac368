"""Pick up files dropped into landing/ without waiting for the daily schedule."""

import hashlib
import json

import dagster as dg

from core.settings import LANDING_SOURCES
from orchestration.defs.pipeline.jobs import daily_job
from orchestration.defs.resources import WorkspaceResource
from orchestration.loading.files import landing_files


def landing_signature(workspace: WorkspaceResource) -> list[str]:
    """What is waiting: source/name with size and mtime, so a re-dropped file counts as new."""
    settings = workspace.settings()
    entries = []
    for source in LANDING_SOURCES:
        for path in landing_files(settings, source):
            stat = path.stat()
            entries.append(f"{source}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return sorted(entries)


@dg.sensor(
    job=daily_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs the pipeline when new files appear in landing/.",
)
def landing_sensor(context: dg.SensorEvaluationContext, workspace: WorkspaceResource):
    waiting = landing_signature(workspace)
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    new = [entry for entry in waiting if entry not in seen]
    if not new:
        return dg.SkipReason("no new files in landing/")
    context.update_cursor(json.dumps(waiting))
    run_key = hashlib.sha256("\n".join(new).encode()).hexdigest()[:20]
    return dg.RunRequest(
        run_key=run_key,
        tags={"forderwerk/trigger": "landing_sensor", "forderwerk/files": str(len(new))},
    )

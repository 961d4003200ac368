"""Pipeline runs and the last materialisation of every asset, from Dagster's instance.

Read from FORDERWERK_HOME/dagster (the instance `forderwerk run` and `forderwerk serve`
share), so the page shows runs in progress and failed steps, which the snapshot cannot:
a snapshot is only published after a successful build. Nothing is created when no run has
happened yet, and any error reading the instance leaves the page to the snapshot's view.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from core.settings import Settings

RUN_COLUMNS = ["run_id", "job_name", "status", "started_at", "ended_at"]
ASSET_COLUMNS = ["asset", "group", "last_materialized_at", "run_id"]


def _when(timestamp: float | None) -> datetime | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def dagster_status(settings: Settings, runs: int = 10) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(recent runs, last materialisation per asset), or None without a readable instance."""
    home = settings.dagster_home
    if not (home / "dagster.yaml").exists() or not (home / "history").exists():
        return None
    try:
        import dagster as dg

        with dg.DagsterInstance.from_config(str(home)) as instance:
            records = instance.get_run_records(limit=runs)
            run_rows = [
                (
                    r.dagster_run.run_id,
                    r.dagster_run.job_name,
                    r.dagster_run.status.value,
                    _when(r.start_time),
                    _when(r.end_time),
                )
                for r in records
            ]
            keys = instance.get_asset_keys()
            latest = instance.get_latest_materialization_events(keys)
            asset_rows = [
                (
                    key.to_user_string(),
                    key.path[0] if len(key.path) > 1 else "",
                    _when(event.timestamp) if event else None,
                    event.run_id if event else None,
                )
                for key, event in latest.items()
            ]
    except Exception:
        return None
    assets = pd.DataFrame(asset_rows, columns=ASSET_COLUMNS).sort_values("asset")
    return pd.DataFrame(run_rows, columns=RUN_COLUMNS), assets.reset_index(drop=True)

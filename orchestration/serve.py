"""`forderwerk serve`: the Dagster UI (with its daemon) and the Streamlit app, together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import PROJECT_ROOT, Settings

APP = PROJECT_ROOT / "dashboards" / "app.py"


#: the Dagster UI has no login of its own: anyone who reaches it can start the dunning job
LOOPBACK = "127.0.0.1"


def dagster_host_problem(dagster_host: str, behind_proxy: bool) -> str | None:
    """Why the Dagster UI must not listen on ``dagster_host``, or None: only on this
    machine, unless a person declares it sits behind an authenticating reverse proxy
    (README, Operations)."""
    if dagster_host in (LOOPBACK, "localhost", "::1") or behind_proxy:
        return None
    return (
        f"the Dagster UI has no login: it listens on {LOOPBACK} only. To reach it from other "
        f"machines put it behind a reverse proxy that authenticates (README, Operations) and "
        f"start with --dagster-host {dagster_host} --dagster-behind-proxy"
    )


def _commands(host: str, port: int, dagster_port: int, dagster_host: str) -> list[list[str]]:
    bin_dir = Path(sys.executable).parent
    return [
        [
            str(bin_dir / "dagster"),
            "dev",
            "-m",
            "orchestration.definitions",
            "-h",
            dagster_host,
            "-p",
            str(dagster_port),
        ],
        [
            str(bin_dir / "streamlit"),
            "run",
            str(APP),
            "--server.address",
            host,
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
    ]


def serve(
    settings: Settings,
    host: str,
    port: int,
    dagster_port: int,
    dagster_host: str = LOOPBACK,
    *,
    behind_proxy: bool = False,
) -> int:
    """Start both servers; Ctrl-C, SIGTERM (a service manager, `timeout`) or either one
    exiting stops both cleanly: they run in sessions of their own, so only we can. The app
    (which has its login) listens on ``host``, the Dagster UI on ``dagster_host``."""
    if problem := dagster_host_problem(dagster_host, behind_proxy):
        print(problem, file=sys.stderr)
        return 2
    settings.ensure_workspace()
    signal.signal(signal.SIGTERM, _interrupt)
    bin_dir = str(Path(sys.executable).parent)  # `dagster dev` prepares dbt with `dbt` on PATH
    env = {
        **os.environ,
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        "DAGSTER_HOME": str(settings.dagster_home),
        "FORDERWERK_HOME": str(settings.home),
    }
    processes = [
        subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, start_new_session=True)
        for cmd in _commands(host, port, dagster_port, dagster_host)
    ]
    print(f"Dagster UI:    http://{dagster_host}:{dagster_port}")
    print(f"Forderwerk app: http://{host}:{port}")
    print("Ctrl-C stops both.")
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(processes)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)

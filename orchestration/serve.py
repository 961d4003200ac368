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


def _commands(host: str, port: int, dagster_port: int) -> list[list[str]]:
    bin_dir = Path(sys.executable).parent
    return [
        [
            str(bin_dir / "dagster"),
            "dev",
            "-m",
            "orchestration.definitions",
            "-h",
            host,
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


def serve(settings: Settings, host: str, port: int, dagster_port: int) -> int:
    """Start both servers; Ctrl-C, SIGTERM (a service manager, `timeout`) or either one
    exiting stops both cleanly: they run in sessions of their own, so only we can."""
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
        for cmd in _commands(host, port, dagster_port)
    ]
    print(f"Dagster UI:    http://{host}:{dagster_port}")
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

"""Run one measurement in a fresh process and read what it cost.

Each run is ``python -m tools.bench.worker <spec.json>``: a clean interpreter, so
nothing an earlier run imported or cached counts. The worker times its own work (after
its imports and set-up) and writes the result beside the spec. Peak RSS is the larger of

- the worker's own high-water mark (``VmHWM`` of /proc/self/status, read by the worker at
  the end; dbt runs inside the worker for the dbt measures), and
- the largest *sum* of RSS over the worker's process tree, sampled every 50 ms from
  ``/proc`` here, since a Dagster worker and the dbt process it starts are alive together.

Both include the interpreter and its imports; the worker also reports its high-water mark
just before the timed work (``baseline_rss_mb``) so start-up cost can be told apart.
(``ru_maxrss`` is not used: Linux carries a parent's high-water mark into a forked child,
across ``exec``, so a child of a large harness would report the harness's size.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import PROJECT_ROOT

SAMPLE_SECONDS = 0.05
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


class WorkerFailed(RuntimeError):
    """A measured run did not finish its work; the benchmark stops rather than report it."""


@dataclass
class Sample:
    """One run of one measure."""

    seconds: float  # wall time of the work, as timed by the worker
    cpu_seconds: float  # user + system CPU of the work (worker and its children)
    peak_rss_mb: float  # MiB, see the module docstring
    info: dict = field(default_factory=dict)


def run_worker(spec: dict, run_dir: Path, env: dict[str, str]) -> Sample:
    """Run the worker on ``spec`` in ``run_dir`` (its spec, result and log live there)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    spec_file, result_file, log_file = (run_dir / n for n in ("spec.json", "result.json", "log"))
    result_file.unlink(missing_ok=True)
    spec_file.write_text(json.dumps({**spec, "result_file": str(result_file)}, default=str))
    command = [sys.executable, "-m", "tools.bench.worker", str(spec_file)]
    tree_peak_kib = 0
    with log_file.open("wb") as log:
        proc = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        while proc.poll() is None:
            tree_peak_kib = max(tree_peak_kib, tree_rss_kib(proc.pid))
            time.sleep(SAMPLE_SECONDS)
    if proc.returncode != 0 or not result_file.exists():
        tail = log_file.read_text(errors="replace")[-4000:]
        raise WorkerFailed(
            f"{spec['measure']} failed (exit {proc.returncode}); log {log_file}:\n{tail}"
        )
    result = json.loads(result_file.read_text())
    return Sample(
        seconds=result["seconds"],
        cpu_seconds=result["cpu_seconds"],
        peak_rss_mb=round(max(result["peak_self_kib"], tree_peak_kib) / 1024, 1),
        info=result.get("info", {}),
    )


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (0 once it is gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_kib(current)
        todo.extend(_children(current))
    return total


def _rss_kib(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    children = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return children

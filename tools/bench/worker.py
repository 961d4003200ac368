"""One measured run, in its own process: ``python -m tools.bench.worker SPEC``.

The spec (JSON) names a ``task`` and its parameters; the worker does the untimed set-up,
times the work (wall and CPU, its children included), and writes ``seconds``,
``cpu_seconds`` and ``info`` to the spec's ``result_file``. Imports happen per task, so a
peer's process holds its data-frame library and nothing of Dagster or dbt. The workspace
comes from the environment (FORDERWERK_HOME and the DuckDB settings), as for the CLI.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text())
    work = TASKS[spec["task"]](spec)  # set-up happens here, untimed
    baseline_kib = high_water_kib()
    cpu_start, start = _cpu_seconds(), time.perf_counter()
    info = work()
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    result = {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_self_kib": high_water_kib(),
        "info": {"baseline_rss_mb": round(baseline_kib / 1024, 1), **(info or {})},
    }
    Path(spec["result_file"]).write_text(json.dumps(result, default=str))
    return 0


def high_water_kib() -> int:
    """This process's peak resident memory so far (VmHWM, KiB; 0 where /proc is missing)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return 0
    line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1])


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _settings():
    from core.settings import load_settings

    return load_settings()


def dagster_job(spec: dict) -> Callable[[], dict]:
    """A job of the definitions, as `forderwerk run` executes it (in process)."""
    from orchestration.runner import run_job

    settings = _settings()

    def work() -> dict:
        outcome = run_job(settings, spec["job"], date.fromisoformat(spec["as_of"]))
        if not outcome.success:
            raise RuntimeError(f"{spec['job']} failed: {outcome.failures}")
        quarantined = [f["file_name"] for f in outcome.files if f["status"] == "quarantined"]
        if quarantined:
            raise RuntimeError(f"{spec['job']} quarantined {quarantined}")
        return {
            "files_loaded": sum(1 for f in outcome.files if f["status"] == "loaded"),
            "rows_loaded": sum(int(f["rows"]) for f in outcome.files),
            "steps": _step_seconds(settings, outcome.run_id),
        }

    return work


def _step_seconds(settings, run_id: str) -> dict[str, float]:
    import dagster as dg

    from orchestration.runner import instance_for

    with instance_for(settings) as instance:
        records = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)
    steps = {
        r.dagster_event.step_key: r.dagster_event.event_specific_data.duration_ms / 1000
        for r in records
    }
    return {k: round(v, 2) for k, v in sorted(steps.items(), key=lambda kv: -kv[1])}


def dbt(spec: dict) -> Callable[[], dict]:
    """A dbt command, run in this process (dbt's programmatic runner, the same click
    command as the CLI), so its memory is this process's; start-up and parsing included."""
    import os

    from tools.bench.dbt_cli import run_results_summary

    os.environ.update(_settings().dbt_environment())
    arguments = spec["command"][1:]  # without the executable

    def work() -> dict:
        from dbt.cli.main import dbtRunner

        done = dbtRunner().invoke(arguments)
        if not done.success:
            raise RuntimeError(f"dbt {arguments[0]} failed: {done.exception}")
        return run_results_summary(Path(spec["target"]))

    return work


def dbt_profile(spec: dict) -> Callable[[], dict]:
    """A dbt command run in this process with one dbt thread, timing each node: wall
    seconds and this process's CPU seconds between dbt's NodeStart and NodeFinished events
    (DuckDB's own threads included; with one dbt thread no other node runs meanwhile)."""
    import os

    settings = _settings()
    os.environ.update(settings.dbt_environment())
    arguments = [*spec["command"][1:], "--threads", "1"]
    nodes: dict[str, dict] = {}
    # DuckDB spills to <database>.tmp/ and deletes the files within each statement: the
    # largest size the folder reached while a node ran is that node's spill
    spill = _SpillWatch(Path(f"{settings.warehouse_path}.tmp"))

    def on_event(event) -> None:
        name = event.info.name
        if name not in ("NodeStart", "NodeFinished"):
            return
        info = event.data.node_info
        wall, cpu = time.perf_counter(), _own_cpu_seconds()
        if name == "NodeStart":
            nodes[info.unique_id] = {"start": wall, "cpu_start": cpu}
            spill.reset()
            return
        node = nodes.setdefault(info.unique_id, {"start": wall, "cpu_start": cpu})
        node.update(
            seconds=round(wall - node.pop("start"), 3),
            cpu_seconds=round(cpu - node.pop("cpu_start"), 3),
            spilled_bytes=spill.peak,
            name=info.node_name,
            resource_type=info.resource_type,
            materialized=info.materialized,
            status=info.node_status,
            relation=info.node_relation.relation_name,
        )

    def work() -> dict:
        from dbt.cli.main import dbtRunner

        with spill:
            done = dbtRunner(callbacks=[on_event]).invoke(arguments)
        if not done.success:
            raise RuntimeError(f"dbt {arguments[0]} failed: {done.exception}")
        return {"nodes": {k: v for k, v in nodes.items() if "seconds" in v}}

    return work


class _SpillWatch:
    """Samples the size of DuckDB's spill folder every 20 ms in a thread; ``peak`` is the
    largest since the last ``reset``."""

    def __init__(self, folder: Path):
        import threading

        self.folder = folder
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def reset(self) -> None:
        self.peak = 0

    def _size(self) -> int:
        try:
            return sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())
        except OSError:  # no folder yet, or a file deleted while listed
            return 0

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._size())

    def __enter__(self) -> _SpillWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def duckdb_sql(spec: dict) -> Callable[[], dict]:
    """The compiled SQL of dbt models, executed in one DuckDB connection, without dbt."""
    from orchestration.loading.warehouse import connect

    statements = json.loads(Path(spec["statements"]).read_text())
    settings = _settings()

    def work() -> dict:
        seconds = {}
        with connect(settings) as con:
            for name, ddl in statements:
                start = time.perf_counter()
                con.execute(ddl)
                seconds[name] = round(time.perf_counter() - start, 2)
        return {
            "models": len(statements),
            "slowest": sorted(seconds.items(), key=lambda kv: -kv[1])[:6],
        }

    return work


def dunning_preview(spec: dict) -> Callable[[], dict]:
    """`forderwerk dunning preview`: every decision of the day, nothing recorded or sent."""
    from actions.engine import preview
    from orchestration.loading.warehouse import connect

    settings = _settings()

    def work() -> dict:
        with connect(settings, read_only=True) as con:
            result = preview(settings, con, date.fromisoformat(spec["as_of"]))
        return {"actions": len(result.actions), "stops": len(result.stops)}

    return work


def render(spec: dict) -> Callable[[], dict]:
    """Render ``count`` notices for ``channel`` from the day's planned actions (cycled, with
    the channel set, when the day has fewer): Jinja2 for e-mails, Jinja2 + WeasyPrint PDF
    for letters, in the engine's render workers (actions.render_pool). Reading the ledger
    is set-up; delivery is not part of it."""
    from actions import ledger
    from actions.company import COMPANY_FILE, load_company
    from actions.engine import EngineConfig
    from actions.ops_store import engine_for
    from actions.render_pool import render_all

    engine = engine_for(_settings())
    actions = [a for a in ledger.actions(engine) if a["channel"] in ("email", "letter")]
    items = ledger.items(engine, [a["action_id"] for a in actions])
    company, config = load_company(COMPANY_FILE), EngineConfig()
    channel, count = spec["channel"], int(spec["count"])
    if not actions:
        raise RuntimeError("no e-mail or letter actions planned: nothing to render")

    def work() -> dict:
        size = 0
        batch = [{**actions[n % len(actions)], "channel": channel} for n in range(count)]
        for out in render_all(batch, items, company, config):
            if out.content is None:
                raise RuntimeError(f"rendering {out.action_id} failed: {out.error}")
            size += len(out.content["pdf"] or out.content["html_body"] or b"")
        return {"rendered": count, "distinct_actions": min(count, len(actions)), "bytes": size}

    return work


def plan_and_record(spec: dict) -> Callable[[], dict]:
    """Set-up for the rendering runs (not reported): the day's actions written to the ledger."""
    from actions.engine import plan_and_record as plan
    from orchestration.loading.warehouse import connect

    settings = _settings()

    def work() -> dict:
        with connect(settings, read_only=True) as con:
            report = plan(settings, con, date.fromisoformat(spec["as_of"]))
        return {"planned": len(report.planned)}

    return work


def peer(spec: dict) -> Callable[[], dict]:
    """A peer's core marts: read the Parquet inputs, compute, write the Parquet outputs."""
    import importlib

    module = importlib.import_module(f"tools.bench.peers.{spec['peer']}_peer")

    def work() -> dict:
        rows = module.run(
            Path(spec["input_dir"]), Path(spec["out_dir"]), date.fromisoformat(spec["as_of"])
        )
        return {"rows": rows}

    return work


TASKS: dict[str, Callable[[dict], Callable[[], dict]]] = {
    "dagster_job": dagster_job,
    "dbt": dbt,
    "dbt_profile": dbt_profile,
    "duckdb_sql": duckdb_sql,
    "dunning_preview": dunning_preview,
    "render": render,
    "plan_and_record": plan_and_record,
    "peer": peer,
}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

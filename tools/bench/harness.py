"""The benchmark's sequence: which measure runs on which workspace, and in what order.

Each measure runs ``runs`` times, every time in a fresh process on a fresh copy of the
workspace it starts from (prepared untimed). The chain of workspaces mirrors a company's
life: landing files -> ``ingest`` -> ``dbt_build`` -> (decisions, rendering, core marts,
peers); and separately landing files -> ``pipeline`` (the whole daily job) ->
``daily_increment`` (one more day through the whole job again).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from core.settings import dbt_executable, load_settings
from tools.bench import DEFAULT_OUT_DIR, check, dbt_cli, homes, report
from tools.bench.company import BenchCompany, ensure_company
from tools.bench.inputs import export_peer_inputs
from tools.bench.process import Sample, run_worker

DEFAULT_MEMORY_LIMIT = "2GB"
PEERS = ("pandas", "polars")
#: environment a measured run must never inherit: the bench delivers to files only
UNSAFE_ENV = ("SENDGRID_API_KEY", "FORDERWERK_SENDGRID_HOST", "FORDERWERK_HOME")


def render_counts(invoices: int) -> tuple[int, int]:
    """(letters, e-mails) to render: 1 000 and 10 000 from 200 k invoices up (the issue's
    figures), proportionally fewer below, at least 100 and 1 000."""
    return min(1000, max(100, invoices // 200)), min(10000, max(1000, invoices // 20))


@dataclass
class Measured:
    name: str
    samples: list[Sample]
    items: int | None = None  # notices rendered, for the render measures


#: what each group of measures measures; a group runs when one of its measures is asked for
#: (``--measures``), and the groups before it provide its starting workspace untimed
GROUPS = {
    "warehouse": ("ingest", "dbt_build"),
    "actions": ("dunning_decisions", "render_letters_1k", "render_emails_10k"),
    "core": ("core_marts", "core_marts_duckdb", *(f"peer:{p}:core_marts" for p in PEERS)),
    "daily": ("pipeline", "daily_increment"),
}
ALL_MEASURES = tuple(m for names in GROUPS.values() for m in names)


def select_measures(names: str | None) -> frozenset[str]:
    """``--measures a,b`` as a set of measure names (group names stand for their
    measures); every measure when ``names`` is empty. Unknown names are refused."""
    if not names:
        return frozenset(ALL_MEASURES)
    chosen: set[str] = set()
    for name in (n.strip() for n in names.split(",") if n.strip()):
        if name in GROUPS:
            chosen.update(GROUPS[name])
        elif name in ALL_MEASURES:
            chosen.add(name)
        else:
            known = ", ".join((*GROUPS, *ALL_MEASURES))
            raise ValueError(f"unknown measure {name!r}; known: {known}")
    return frozenset(chosen)


@dataclass
class Bench:
    company: BenchCompany
    work: Path
    runs: int
    env: dict[str, str]
    selected: frozenset[str] = frozenset(ALL_MEASURES)
    measured: list[Measured] = field(default_factory=list)
    setup: list[Measured] = field(default_factory=list)  # run once, shown but not in the rows

    def wants(self, group: str) -> bool:
        return bool(self.selected & set(GROUPS[group]))

    def state(self, name: str) -> Path:
        return self.work / "states" / name

    @property
    def home(self) -> Path:
        """Every run works in the same folder, as a deployment does: dbt's partial parsing
        depends on the profile, and the profile on the warehouse path."""
        return self.work / "home"

    @property
    def dbt_dir(self) -> Path:
        return self.work / "dbt"

    def measure(
        self,
        name: str,
        prepare: Callable[[Path], object],
        spec: dict,
        keep_as: str | None = None,
        items: int | None = None,
        reported: bool = True,
    ) -> Measured | None:
        """Run a measure ``runs`` times; one not asked for runs once, untimed, only when a
        later step starts from its workspace (``keep_as``), and not at all otherwise."""
        if name not in self.selected and reported and keep_as is None:
            return None
        samples = []
        reported = reported and name in self.selected  # else only the next step's set-up
        total = self.runs if reported else 1
        for n in range(total):
            home = homes.fresh(self.home)
            prepare(home)
            env = {**self.env, "FORDERWERK_HOME": str(home)}
            sample = run_worker({"measure": name, **spec}, self.work / "runs" / name / str(n), env)
            samples.append(sample)
            _log(f"  {name} {n + 1}/{total}: {sample.seconds:.2f} s, {sample.peak_rss_mb:.0f} MB")
            if keep_as and n == total - 1:
                homes.keep(home, self.state(keep_as))
            else:
                shutil.rmtree(home, ignore_errors=True)
        result = Measured(name, samples, items)
        (self.measured if reported else self.setup).append(result)
        return result

    def dbt_spec(self, verb: str, as_of: str, *extra: str) -> dict:
        target = self.dbt_dir / "target"
        command = dbt_cli.command(verb, as_of, self.dbt_dir, *extra)
        return {"task": "dbt", "command": command, "target": str(target)}

    def dbt_untimed(self, verb: str, as_of: str, state: Path, *extra: str) -> None:
        """dbt on a copy of ``state`` in the runs' folder (set-up, not measured)."""
        homes.cloned(state, self.home)
        env = {**self.env, **homes.settings_for(self.home).dbt_environment()}
        _run_dbt(dbt_cli.command(verb, as_of, self.dbt_dir, *extra), env)


def run_bench(
    invoices: int,
    *,
    runs: int = 3,
    seed: int = 42,
    out_dir: Path = DEFAULT_OUT_DIR,
    measures: frozenset[str] = frozenset(ALL_MEASURES),
) -> Path:
    """Measure Forderwerk on a generated company of ``invoices`` invoices (customers and
    payments in proportion); merge the rows into ``out_dir``/results.json, rewrite
    ``out_dir``/results.md and return its path. Fails (raises) when a peer's marts differ
    from Forderwerk's. Generated data is cached in ``out_dir``/cache/ by size and seed.
    Only ``measures`` are measured and replaced in the results; what they start from is
    prepared once, untimed."""
    out_dir = Path(out_dir)
    started = datetime.now().astimezone()
    load_before = os.getloadavg()
    _log(f"bench: {invoices} invoices, seed {seed}, {runs} run(s) per measure")
    generation = time.perf_counter()
    company = ensure_company(out_dir / "cache", invoices, seed)
    generation = time.perf_counter() - generation
    work = company.folder.parent / "work"
    bench = Bench(company, work, runs, _environment(work), selected=measures)
    shutil.rmtree(bench.work, ignore_errors=True)
    _prepare_manifest(bench)
    checked = _run_all(bench)
    context = report.Context(
        invoices=invoices,
        customers=company.customers,
        seed=seed,
        runs=runs,
        started=started,
        finished=datetime.now().astimezone(),
        load=(load_before, os.getloadavg()),
        counts=company.counts,
        generation_seconds=round(generation, 1),
        duckdb_threads=bench.env["FORDERWERK_DUCKDB_THREADS"],
        duckdb_memory_limit=bench.env["FORDERWERK_DUCKDB_MEMORY_LIMIT"],
        checked_rows=checked,
        setup={m.name: asdict(m.samples[0]) for m in bench.setup},
    )
    path = report.write(out_dir, bench.measured, context)
    shutil.rmtree(bench.home, ignore_errors=True)
    _log(f"bench: wrote {path}")
    return path


def _environment(work: Path) -> dict[str, str]:
    """The workers' environment: this one without delivery credentials, the DuckDB threads
    and memory limit made explicit (from FORDERWERK_DUCKDB_* when set), and dagster-dbt's
    per-run target folders kept under the bench's work folder, out of dbt_project/target
    (which holds no partial-parse state for the run's vars either way: dbt parses in full,
    as in production)."""
    settings = load_settings()
    env = {k: v for k, v in os.environ.items() if k not in UNSAFE_ENV}
    env["DBT_TARGET_PATH"] = str(work / "dagster-dbt")
    env["FORDERWERK_DUCKDB_THREADS"] = str(settings.duckdb_threads or os.cpu_count() or 1)
    env["FORDERWERK_DUCKDB_MEMORY_LIMIT"] = settings.duckdb_memory_limit or DEFAULT_MEMORY_LIMIT
    return env


def _prepare_manifest(bench: Bench) -> None:
    """Parse the manifest Dagster's definitions load (dbt_project/target), as `make
    manifest` does: `make bench` gets it from `make setup`, but `forderwerk bench` run
    directly after a model changed would time the jobs against an older manifest, and a
    job fails on the first dbt node that manifest does not know. Untimed."""
    env = {k: v for k, v in bench.env.items() if k != "DBT_TARGET_PATH"}
    env.update(homes.settings_for(bench.home).dbt_environment())
    _run_dbt([dbt_executable(), "parse", "--quiet", *dbt_cli.project_flags()], env)


def _run_dbt(command: list[str], env: dict[str, str]) -> None:
    """A dbt command of the set-up (untimed); its output's tail in the error if it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"dbt {command[1]} failed:\n{done.stdout[-4000:]}")


def _run_all(bench: Bench) -> dict[str, int]:
    base_day = bench.company.base_day.isoformat()
    checked: dict[str, int] = {}
    if bench.wants("warehouse") or bench.wants("actions") or bench.wants("core"):
        _warehouse(bench, base_day)
    if bench.wants("actions"):
        _actions(bench, base_day)
    if bench.wants("core"):
        checked = _core_marts(bench, base_day)
    homes.drop(bench.state("built"))
    if bench.wants("daily"):
        _daily(bench, base_day)
    return checked


def _warehouse(bench: Bench, base_day: str) -> None:
    """ingest (landing -> raw) and dbt_build (raw -> every mart) for the base day."""
    company = bench.company
    bench.measure(
        "ingest",
        lambda home: homes.staged(home, company, "base"),
        {"task": "dagster_job", "job": "ingest_job", "as_of": base_day},
        keep_as="ingested",
    )
    # dbt parses once, untimed, so the runs parse partially as after `make setup`
    bench.dbt_untimed("parse", base_day, bench.state("ingested"))
    bench.measure(
        "dbt_build",
        lambda home: homes.cloned(bench.state("ingested"), home),
        bench.dbt_spec("build", base_day, "--exclude-resource-type", "unit_test"),
        keep_as="built",
    )
    homes.drop(bench.state("ingested"))


def _actions(bench: Bench, base_day: str) -> None:
    """dunning_decisions and rendering of the base day's notices."""
    built = bench.state("built")
    bench.measure(
        "dunning_decisions",
        lambda home: homes.cloned(built, home),
        {"task": "dunning_preview", "as_of": base_day},
    )
    bench.measure(
        "plan",
        lambda home: homes.cloned(built, home),
        {"task": "plan_and_record", "as_of": base_day},
        keep_as="planned",
        reported=False,  # set-up of the rendering runs
    )
    letters, emails = render_counts(bench.company.invoices)
    for name, channel, count in (
        ("render_letters_1k", "letter", letters),
        ("render_emails_10k", "email", emails),
    ):
        bench.measure(
            name,
            lambda home: homes.cloned(bench.state("planned"), home),
            {"task": "render", "channel": channel, "count": count},
            items=count,
        )
    homes.drop(bench.state("planned"))


def _core_marts(bench: Bench, base_day: str) -> dict[str, int]:
    """core_marts through dbt and as bare DuckDB SQL, then each peer; all must agree."""
    built = bench.state("built")
    bench.measure(
        "core_marts",
        lambda home: homes.cloned(built, home),
        bench.dbt_spec("run", base_day, *dbt_cli.core_selection()),
        keep_as="core",
    )
    bench.dbt_untimed("compile", base_day, built, *dbt_cli.core_selection())
    statements = bench.work / "core_marts.sql.json"
    statements.write_text(json.dumps(dbt_cli.compiled_statements(bench.dbt_dir / "target")))
    bench.measure(
        "core_marts_duckdb",
        lambda home: homes.cloned(built, home),
        {"task": "duckdb_sql", "statements": str(statements)},
        keep_as="core_duckdb",
    )
    as_of = bench.company.base_day
    expected = check.forderwerk_marts(bench.state("core") / "warehouse.duckdb", as_of)
    bare = check.forderwerk_marts(bench.state("core_duckdb") / "warehouse.duckdb", as_of)
    if problems := check.differences(expected, bare):
        raise check.ResultsDiffer("core_marts_duckdb differs from dbt:\n" + "\n".join(problems))
    inputs = bench.work / "peer_input"
    export_peer_inputs(built / "warehouse.duckdb", inputs)
    checked = {}
    for peer in PEERS:
        out = bench.work / "peer_output" / peer
        ran = bench.measure(
            f"peer:{peer}:core_marts",
            lambda home, out=out: shutil.rmtree(out, ignore_errors=True),
            {
                "task": "peer",
                "peer": peer,
                "input_dir": str(inputs),
                "out_dir": str(out),
                "as_of": base_day,
            },
        )
        if ran is None:  # not asked for
            continue
        checked = check.assert_identical(peer, expected, out)
        _log(f"  {peer}: identical to Forderwerk ({checked})")
    for name in ("core", "core_duckdb"):
        homes.drop(bench.state(name))
    shutil.rmtree(inputs, ignore_errors=True)
    return checked


def _daily(bench: Bench, base_day: str) -> None:
    """pipeline (the whole daily job from landing files) and daily_increment (one day more)."""
    company = bench.company
    bench.measure(
        "pipeline",
        lambda home: homes.staged(home, company, "base"),
        {"task": "dagster_job", "job": "daily_job", "as_of": base_day},
        keep_as="base",
    )
    bench.measure(
        "daily_increment",
        lambda home: homes.staged(homes.cloned(bench.state("base"), home), company, "increment"),
        {"task": "dagster_job", "job": "daily_job", "as_of": company.end.isoformat()},
    )


def _log(message: str) -> None:
    print(message, flush=True)

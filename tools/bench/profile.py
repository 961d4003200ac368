"""`forderwerk profile`: where the daily increment's dbt time goes, model by model.

On the benchmark's generated company of ``invoices`` invoices (cached, as for the bench),
the base state (the pipeline run for the day before the increment) is built once and kept
per size, seed and fingerprint of the code that builds it. A profile run clones it,
ingests the increment day's files (untimed) and runs ``dbt build`` for the increment day
in a worker process with one dbt thread, timing every node (wall and CPU seconds between
dbt's NodeStart and NodeFinished events), then counts each model's rows. The profile is
written to ``bench/profiles/n<invoices>-s<seed>.json``; with ``against`` (another size
profiled before), each node's scaling exponent k in t ~ n^k is fitted between the two
sizes, and the totals are checked for proportion: a day of the same size should cost
the same at any history size (issue 19 asks for at most 1.3x from 200 k to 1 M). The
generated company's day grows with it; ``day_as`` thins the increment day to the size of
a smaller company's (one customer in n / day_as, ``-d<k>`` in the file names), and the
check is judged only when both days loaded about as many rows.

Bytes spilled: the largest size DuckDB's spill folder (``<warehouse>.tmp/``) reached while
a node ran, sampled every 20 ms (DuckDB deletes its spill files within each statement and
reports no per-statement total; a spill shorter than 20 ms can be missed).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from core.settings import PROJECT_ROOT, dbt_executable
from orchestration.daily_tests import DAILY_SELECTOR, DAY_SCOPE
from tools.bench import dbt_cli, homes
from tools.bench.company import BenchCompany, ensure_company
from tools.bench.harness import _environment, _run_dbt
from tools.bench.process import run_worker
from tools.bench.proportion import proportion, scaling_exponent

#: what builds the base state: a change here makes a new one
FINGERPRINTED = ("actions", "core", "orchestration", "seeds/reference", "dbt_project/models",
                 "dbt_project/macros", "dbt_project/dbt_project.yml", "tools/generate")  # fmt: skip
FINGERPRINT_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".j2", ".po"}


@dataclass
class NodeProfile:
    node: str  # unique_id without the project, e.g. model.int_payments
    seconds: float
    cpu_seconds: float
    rows: int | None  # rows of the model's table after the run (None: a view or a test)
    status: str
    spilled_bytes: int = 0  # the largest DuckDB's spill folder grew while the node ran


def code_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A short hash of every file that builds a base state (paths and contents)."""
    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        path = root / name
        files = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for file in files:
            if file.is_file() and file.suffix in FINGERPRINT_SUFFIXES:
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def profile(
    invoices: int,
    *,
    seed: int = 42,
    out_dir: Path,
    against: int | None = None,
    day_as: int | None = None,
    keep: bool = False,
) -> tuple[Path, str]:
    """Profile the increment at ``invoices``; returns the profile's path and the report.
    ``day_as``: the increment day thinned to the size of that company's day (one customer
    in invoices / day_as), so that ``against`` it compares history sizes, not day sizes.
    ``keep``: leave the warehouse after the increment in place (the report says where),
    to time a rewritten model on the very state the daily run saw."""
    share = max(1, round(invoices / day_as)) if day_as else 1
    company = ensure_company(out_dir / "cache", invoices, seed, day_share=share)
    work = company.folder.parent / "profile"
    env = _environment(work)
    home = work / "home"
    shutil.rmtree(work / "runs", ignore_errors=True)
    _parse_manifest(env, home)
    base = _base_state(company, work, env)
    homes.staged(homes.cloned(base, home), company, "increment")
    env = {**env, "FORDERWERK_HOME": str(home)}
    day = company.end.isoformat()
    ingest = {"task": "dagster_job", "job": "ingest_job", "as_of": day}
    ingested = run_worker(ingest, work / "runs/ingest", env)
    # what the daily run's dbt build does (orchestration/defs/transform/assets.py)
    command = dbt_cli.command(
        "build", day, work / "dbt", "--selector", DAILY_SELECTOR,
        "--exclude-resource-type", "unit_test",
    )  # fmt: skip
    sample = run_worker(
        {"task": "dbt_profile", "command": command}, work / "runs/profile", {**env, **DAY_SCOPE}
    )
    nodes = _with_rows(sample.info["nodes"], home / "warehouse.duckdb")
    result = {
        "invoices": invoices,
        "seed": seed,
        "as_of": day,
        "day_share": share,
        "increment_rows": ingested.info.get("rows_loaded"),
        "fingerprint": code_fingerprint(),
        "seconds": sample.seconds,
        "cpu_seconds": sample.cpu_seconds,
        "peak_rss_mb": sample.peak_rss_mb,
        "nodes": [asdict(n) for n in nodes],
    }
    path = (
        out_dir
        / "profiles"
        / (f"n{invoices}-s{seed}" + (f"-d{share}" if share > 1 else "") + ".json")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    other = None
    if against is not None:
        other_path = out_dir / "profiles" / f"n{against}-s{seed}.json"
        if not other_path.exists():
            raise FileNotFoundError(f"{other_path}: profile {against} invoices first")
        other = json.loads(other_path.read_text())
    text = report(result, other)
    if keep:
        text += f"\nkept: {home / 'warehouse.duckdb'} (the state after the increment)"
    else:
        shutil.rmtree(home, ignore_errors=True)
    return path, text


def _parse_manifest(env: dict[str, str], home: Path) -> None:
    """The manifest the Dagster definitions load (as `make manifest`), untimed."""
    homes.fresh(home)
    parse_env = {k: v for k, v in env.items() if k != "DBT_TARGET_PATH"}
    parse_env.update(homes.settings_for(home).dbt_environment())
    _run_dbt([dbt_executable(), "parse", "--quiet", *dbt_cli.project_flags()], parse_env)


def _base_state(company: BenchCompany, work: Path, env: dict[str, str]) -> Path:
    """The warehouse and ops store after the pipeline for the base day, built once per
    code fingerprint (the daily job, as `forderwerk run` runs it)."""
    state = company.folder.parent / "states" / f"base-{code_fingerprint()}"
    if (state / "warehouse.duckdb").exists():
        return state
    for old in state.parent.glob("base-*"):
        homes.drop(old)  # another fingerprint's: stale
    home = homes.staged(homes.fresh(work / "base-home"), company, "base")
    spec = {"task": "dagster_job", "job": "daily_job", "as_of": company.base_day.isoformat()}
    run_worker(spec, work / "runs" / "base", {**env, "FORDERWERK_HOME": str(home)})
    return homes.keep(home, state)


def _with_rows(nodes: dict[str, dict], warehouse: Path) -> list[NodeProfile]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sizes = dict(
            con.execute(
                "select schema_name || '.' || table_name, estimated_size from duckdb_tables()"
            ).fetchall()
        )
    out = []
    for unique_id, node in nodes.items():
        relation = (node.get("relation") or "").replace('"', "").split(".")[-2:]
        rows = sizes.get(".".join(relation)) if node.get("resource_type") == "model" else None
        kind = node.get("resource_type") or unique_id.split(".")[0]
        out.append(
            NodeProfile(
                f"{kind}.{node.get('name') or unique_id}",
                node["seconds"],
                node["cpu_seconds"],
                rows,
                node.get("status", ""),
                node.get("spilled_bytes", 0),
            )
        )
    return sorted(out, key=lambda n: -n.seconds)


def _seconds_by_kind(result: dict) -> dict[str, float]:
    totals: dict[str, float] = {}
    for node in result["nodes"]:
        kind = node["node"].split(".", 1)[0]
        totals[kind] = totals.get(kind, 0.0) + node["seconds"]
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def report(result: dict, other: dict | None = None, top: int = 25) -> str:
    """The slowest nodes with seconds, CPU seconds, rows and (given another size) the
    scaling exponent; the totals and, between two sizes, the proportion check."""
    n = result["invoices"]
    before = {x["node"]: x for x in other["nodes"]} if other else {}
    lines = [
        f"dbt build of the increment day {result['as_of']} at {n:,} invoices: "
        f"{result['seconds']:.1f} s wall, {result['cpu_seconds']:.1f} s CPU, "
        f"{result['peak_rss_mb']:.0f} MB peak (one dbt thread)",
        "seconds by kind: "
        + ", ".join(f"{kind} {secs:.1f}" for kind, secs in _seconds_by_kind(result).items()),
        "",
        f"{'node':52} {'s':>7} {'cpu s':>7} {'rows':>11} {'spill MB':>8}"
        + (f" {'k':>6}" if other else ""),
    ]
    for node in result["nodes"][:top]:
        rows = f"{node['rows']:,}" if node["rows"] is not None else ""
        line = f"{node['node'][:52]:52} {node['seconds']:7.2f} {node['cpu_seconds']:7.2f}"
        line += f" {rows:>11} {node.get('spilled_bytes', 0) / 2**20:8.1f}"
        if other:
            was = before.get(node["node"])
            k = was and scaling_exponent(was["seconds"], node["seconds"], other["invoices"], n)
            line += f" {k:6.2f}" if k is not None else f" {'':>6}"
        lines.append(line)
    if other:
        lines += ["", proportion(result, other)]
    return "\n".join(lines)

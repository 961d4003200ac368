"""dbt command lines of the benchmark, and what their run results say.

The benchmark calls dbt itself (not through Dagster) with its own target and log folders,
so it never touches ``dbt_project/target`` that Dagster and other users read; the folder is
kept between runs, so dbt parses partially as it does in production after ``make setup``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from core.settings import DBT_PROJECT_DIR, dbt_executable

#: the core marts (dim_customers' avg_days_late is int_customers_payment_behaviour's) ...
CORE_MARTS = (
    "+fct_open_items",
    "+fct_aging",
    "+fct_kpis_daily",
    "+int_customers_payment_behaviour",
)
#: ... built from the cash-application result, which the peers take as input too
CASH_APPLICATION = ("+int_payment_applications", "+int_credit_note_applications_as_of")


def core_selection() -> list[str]:
    return ["--select", *CORE_MARTS, "--exclude", *CASH_APPLICATION]


def project_flags() -> list[str]:
    """The project and profile folders every dbt command of the benchmark names."""
    return ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]


def command(verb: str, as_of: str, dbt_dir: Path, *extra: str) -> list[str]:
    """``dbt <verb>`` for the as-of date, with the benchmark's target and log folders."""
    return [
        dbt_executable(),
        verb,
        "--vars",
        json.dumps({"as_of_date": as_of}),
        *project_flags(),
        "--target-path",
        str(dbt_dir / "target"),
        "--log-path",
        str(dbt_dir / "logs"),
        *extra,
    ]


def run_results_summary(target: Path, top: int = 8) -> dict:
    """Seconds per resource type, status counts and the slowest nodes of the last dbt run."""
    results = json.loads((target / "run_results.json").read_text())
    by_type: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    nodes = []
    for r in results["results"]:
        kind = r["unique_id"].split(".")[0]
        by_type[kind] += r["execution_time"]
        statuses[r["status"]] += 1
        nodes.append((r["execution_time"], r["unique_id"].split(".")[-1], kind))
    nodes.sort(reverse=True)
    return {
        "dbt_elapsed": round(results["elapsed_time"], 2),
        "seconds_by_type": {k: round(v, 2) for k, v in by_type.items()},
        "statuses": dict(statuses),
        "slowest": [[name, kind, round(t, 2)] for t, name, kind in nodes[:top]],
    }


def compiled_statements(target: Path) -> list[tuple[str, str]]:
    """(model, DDL) of the models the last ``dbt compile`` selected, in dependency order:
    what dbt-duckdb would execute for them, without dbt around it."""
    manifest = json.loads((target / "manifest.json").read_text())
    selected = [
        r["unique_id"]
        for r in json.loads((target / "run_results.json").read_text())["results"]
        if r["unique_id"].startswith("model.")
    ]
    nodes = {uid: manifest["nodes"][uid] for uid in selected}
    ordered: list[str] = []

    def visit(uid: str) -> None:
        if uid in ordered or uid not in nodes:
            return
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        ordered.append(uid)

    for uid in selected:
        visit(uid)
    statements = []
    for uid in ordered:
        node = nodes[uid]
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        ddl = f"create or replace {kind} {node['relation_name']} as (\n{node['compiled_code']}\n)"
        statements.append((node["name"], ddl))
    return statements

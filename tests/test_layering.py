"""The one direction of DESIGN.md, checked on the imports: the shared core imports no
other part; ingestion, the warehouse's orchestration and the actions never import the
dashboards; only the command line starts the tools; nothing imports the tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = {
    "core": ("orchestration", "actions", "dashboards", "tools", "tests"),
    "orchestration": ("dashboards", "tools", "tests"),
    "actions": ("dashboards", "tools", "tests"),
    "dashboards": ("tools", "tests"),
    "tools": ("dashboards", "tests"),
}
#: the command line starts the tools (forderwerk generate, forderwerk bench)
ALLOWED = {"orchestration/cli.py": {"tools"}}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(RULES))
def test_each_part_imports_only_what_it_may(package: str):
    forbidden = set(RULES[package])
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        name = str(path.relative_to(ROOT))
        wrong = imported_packages(path) & forbidden - ALLOWED.get(name, set())
        if wrong:
            offenders[name] = sorted(wrong)
    assert offenders == {}


@pytest.mark.parametrize("package", ["actions", "dashboards"])
def test_consumers_read_only_marts(package: str):
    """The dunning engine and the app read the contracted marts, never staging,
    intermediate or raw tables (the snapshot holds only the marts)."""
    inner = re.compile(r"\b(?:from|join)\s+((?:staging|intermediate|raw)\.\w+)", re.I)
    offenders = {
        str(path.relative_to(ROOT)): sorted(set(inner.findall(path.read_text(encoding="utf-8"))))
        for path in sorted((ROOT / package).rglob("*.py"))
        if inner.search(path.read_text(encoding="utf-8"))
    }
    assert offenders == {}

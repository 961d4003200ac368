"""Shared fixtures: an isolated workspace per test and the shared bank-file corpus."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT, Settings, load_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def corpus_root() -> Path:
    """The team's real-world bank files: ../shared/corpus beside the clone, or as configured."""
    configured = os.environ.get("FORDERWERK_CORPUS_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> tuple[Path, dict]:
    root = corpus_root()
    if not (root / "manifest.json").exists():
        pytest.skip(f"bank-file corpus not found at {root}")
    return root, json.loads((root / "manifest.json").read_text())["files"]


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """A fresh, empty workspace under the test's temporary folder."""
    s = load_settings({"FORDERWERK_HOME": str(tmp_path / "home")})
    s.ensure_workspace()
    return s


def _newest_mtime(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The manifest the Dagster definitions load, re-parsed when a model changed since."""
    from core.settings import DBT_PROJECT_DIR, dbt_executable

    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    sources = max(
        *(_newest_mtime(DBT_PROJECT_DIR / d) for d in ("models", "macros", "tests")),
        (DBT_PROJECT_DIR / "selectors.yml").stat().st_mtime,
    )
    if not manifest.exists() or manifest.stat().st_mtime < sources:
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--profiles-dir", "."],
            cwd=DBT_PROJECT_DIR,
            check=True,
            env={**os.environ, "FORDERWERK_WAREHOUSE": "/nonexistent/parse-only"},
        )
    return manifest


SAMPLE = PROJECT_ROOT / "seeds" / "sample"


def sample_as_of() -> str:
    """The last business day of the bundled sample (its manifest's ``end``)."""
    return json.loads((SAMPLE / "manifest.json").read_text())["end"]


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Settings:
    """The bundled sample company run through the whole pipeline once per test session.

    Tests read it (warehouse, serving snapshot, outbox); none may write to it.
    """
    from datetime import date

    from orchestration.loading.files import stage_into_landing
    from orchestration.runner import run_job

    if not (SAMPLE / "manifest.json").exists():
        pytest.skip("no bundled sample in seeds/sample")
    settings = load_settings({"FORDERWERK_HOME": str(tmp_path_factory.mktemp("sample") / "home")})
    settings.ensure_workspace()
    for source in ("erp", "bank", "bureau", "ops"):
        files = sorted((SAMPLE / "landing" / source).glob("*"))
        stage_into_landing(settings, files, source)
    outcome = run_job(settings, "daily_job", date.fromisoformat(sample_as_of()))
    assert outcome.success, outcome.failures
    return settings

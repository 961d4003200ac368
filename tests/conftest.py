"""Shared fixtures: an isolated workspace per test and the shared bank-file corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT, Settings, load_settings

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

"""Workspaces (FORDERWERK_HOME folders) the measured runs start from, prepared untimed."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.settings import Settings, load_settings
from orchestration.loading.files import stage_into_landing
from tools.bench.company import SOURCES, BenchCompany

#: what a later run needs of an earlier one's workspace (the archive, outbox and Dagster
#: history are not read again: a re-sent file is recognised by raw.ingested_files)
STATE_FILES = ("warehouse.duckdb", "ops.sqlite")


def settings_for(home: Path) -> Settings:
    return load_settings({"FORDERWERK_HOME": str(home)})


def fresh(home: Path) -> Path:
    shutil.rmtree(home, ignore_errors=True)
    settings_for(home).ensure_workspace()
    return home


def staged(home: Path, company: BenchCompany, part: str) -> Path:
    """``home`` with the company's ``part`` files waiting in landing/, in name order."""
    settings = settings_for(home)
    settings.ensure_workspace()
    for source in SOURCES:
        files = company.files(part, source)
        if files:
            stage_into_landing(settings, files, source)
    return home


def cloned(source: Path, home: Path) -> Path:
    """A fresh ``home`` holding the warehouse and ops store of ``source``."""
    fresh(home)
    for name in STATE_FILES:
        if (source / name).exists():
            shutil.copyfile(source / name, home / name)
    return home


def keep(home: Path, state: Path) -> Path:
    """Keep a run's warehouse and ops store as a named state for later measures; the rest
    of the workspace (archive, serving snapshot, outbox) is dropped, since no later run
    reads it and at 10 M invoices it is tens of GB."""
    drop(state)
    state.mkdir(parents=True)
    for name in STATE_FILES:
        if (home / name).exists():
            (home / name).rename(state / name)
    shutil.rmtree(home, ignore_errors=True)
    return state


def drop(state: Path) -> None:
    """Remove a state no later measure starts from (disk, not correctness)."""
    shutil.rmtree(state, ignore_errors=True)

"""Backup and restore: a consistent pair of stores, damage and missing archive files
refused, and no restore that would make the next run send again what went out since."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from actions import ops_store
from core.settings import Settings
from orchestration import continuity
from orchestration.backup import BackupError, backup, restore, verify
from tests.orchestration.conftest import ingest_customer, sent_action


def test_a_backup_restores_both_stores_as_they_were(workspace: Settings, tmp_path: Path):
    folder = backup(workspace, tmp_path / "backup")
    manifest = json.loads((folder / "backup.json").read_text())
    assert set(manifest["files"]) == {"warehouse.duckdb", "ops.sqlite"}
    assert [(a["file_seq"], a["file_name"]) for a in manifest["archive"]] == [
        (1, "customers_1.csv")
    ]
    assert [o["path"] for o in manifest["outbox"]] == [
        "outbox/letters/2026-03-31/DA-000000000001.pdf"
    ]
    assert verify(workspace, folder) == []
    # the warehouse is lost; the ops store is where the backup left it
    workspace.warehouse_path.unlink()
    assert continuity.problems(workspace)
    report = restore(workspace, folder, actor="martin")
    assert report.problems == [] and continuity.problems(workspace) == []
    (aside,) = report.kept_aside  # the ops store replaced; the warehouse was gone
    assert aside.name.startswith("ops.sqlite.before-restore-")
    assert continuity.warehouse_state(workspace).max_file_seq == 1
    with ops_store.engine_for(workspace).connect() as con:
        (row,) = con.execute(sa.select(ops_store.continuity_log)).all()
    assert row.actor == "martin" and row.reason == f"restored {folder}"


def test_a_restore_that_would_resend_what_went_out_since_needs_a_person(
    workspace: Settings, tmp_path: Path
):
    folder = backup(workspace, tmp_path / "backup")
    sent_action(workspace, "DA-000000000002")  # went out after the backup
    with pytest.raises(BackupError, match="reaches entry 4, the backup's only 2"):
        restore(workspace, folder, actor="martin")
    assert continuity.ops_state(workspace).max_log_id == 4  # nothing was replaced
    report = restore(
        workspace, folder, accept_newer_ledger="DA-000000000002 never left", actor="martin"
    )
    assert continuity.ops_state(workspace).max_log_id == 2
    assert report.problems == []


def test_a_damaged_backup_or_a_missing_archive_file_is_refused(workspace: Settings, tmp_path: Path):
    ingest_customer(workspace, tmp_path, 2)
    folder = backup(workspace, tmp_path / "backup")
    with (folder / "ops.sqlite").open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00garbage")
    archived = next(workspace.archive_dir.rglob("customers_2.csv"))
    archived.unlink()
    found = verify(workspace, folder)
    assert any("ops.sqlite is damaged" in p for p in found)
    assert any("#2 customers_2.csv" in p for p in found)
    with pytest.raises(BackupError, match="cannot be restored"):
        restore(workspace, folder, actor="martin")


def test_a_backup_goes_into_a_new_folder_only(workspace: Settings, tmp_path: Path):
    folder = backup(workspace, tmp_path / "backup")
    with pytest.raises(BackupError, match="not empty"):
        backup(workspace, folder)

"""The stores vouch for each other: a zeroed ops store, a deleted or older warehouse, an
outbox without its ledger each stop the next run with a message; a crash between the two
marks does not, and a person can accept a deliberate change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from actions import ops_store
from core.settings import Settings
from orchestration import continuity
from orchestration.continuity import WorkspaceStateError
from orchestration.loading.warehouse import connect
from tests.orchestration.conftest import ingest_customer, sent_action


def test_a_new_workspace_and_one_from_before_the_marks_pass(settings: Settings, tmp_path):
    assert continuity.problems(settings) == []
    ingest_customer(settings, tmp_path, 1)
    sent_action(settings, "DA-000000000001")
    assert continuity.problems(settings) == []  # history, but no marks yet: not judged


def test_an_ops_store_emptied_to_zero_bytes_stops_the_run(workspace: Settings):
    workspace.ops_store_path.write_bytes(b"")
    found = continuity.problems(workspace)
    assert len(found) == 2
    assert "ops store" in found[0] and "missing or empty" in found[0]
    assert "1 run(s)" in found[0] and "send every reminder already sent again" in found[0]
    assert "outbox holds 1" in found[1]
    with pytest.raises(WorkspaceStateError, match="did not start"):
        continuity.check(workspace)


def test_a_deleted_warehouse_stops_the_run(workspace: Settings):
    workspace.warehouse_path.unlink()
    (found,) = continuity.problems(workspace)
    assert "warehouse" in found and "is missing" in found and "1 ingested file(s)" in found


def test_an_empty_warehouse_stops_the_run(workspace: Settings):
    workspace.warehouse_path.unlink()
    with connect(workspace) as con:  # what any connection used to do: a new, empty file
        con.execute("select 1")
    found = continuity.problems(workspace)
    assert any("holds 0 ingested file(s), but the ops store saw 1" in p for p in found)


def test_an_older_ops_store_stops_the_run(workspace: Settings, tmp_path: Path):
    backup = tmp_path / "ops.sqlite.bak"
    shutil.copyfile(workspace.ops_store_path, backup)
    sent_action(workspace, "DA-000000000002")
    continuity.record_marks(workspace)  # the next run saw ledger entry 4
    shutil.copyfile(backup, workspace.ops_store_path)  # an old backup put back
    found = continuity.problems(workspace)
    assert any("ledger ends at entry 2, but the warehouse saw entry 4" in p for p in found)


def test_lost_events_stop_the_run(workspace: Settings):
    engine = ops_store.engine_for(workspace)
    with engine.begin() as con:
        con.execute(ops_store.events.delete())
    (found,) = continuity.problems(workspace)
    assert "holds 0 event(s), but the warehouse saw 1" in found


def test_an_older_warehouse_stops_the_run(workspace: Settings, tmp_path: Path):
    backup = tmp_path / "warehouse.bak"
    shutil.copyfile(workspace.warehouse_path, backup)
    ingest_customer(workspace, tmp_path, 2)
    continuity.record_marks(workspace)
    shutil.copyfile(backup, workspace.warehouse_path)
    (found,) = continuity.problems(workspace)
    assert "holds 1 ingested file(s), but the ops store saw 2" in found


def test_a_crash_between_the_two_marks_is_no_alarm(workspace: Settings):
    with connect(workspace) as con:  # the warehouse's marks of run 2 were written ...
        con.execute("update meta.continuity set value = 2 where name = 'runs'")
    assert continuity.problems(workspace) == []  # ... and the process died before the ops'
    assert continuity.record_marks(workspace)["runs"] == 3


def test_a_person_accepts_a_deliberate_change(workspace: Settings):
    workspace.ops_store_path.write_bytes(b"")
    with pytest.raises(ValueError, match="reason"):
        continuity.accept_state(workspace, "martin", "  ")
    accepted = continuity.accept_state(workspace, "martin", "ops store moved to PostgreSQL")
    assert len(accepted) == 2
    assert continuity.problems(workspace) == []
    engine = ops_store.engine_for(workspace)
    with engine.connect() as con:
        (row,) = con.execute(sa.select(ops_store.continuity_log)).all()
    assert row.actor == "martin" and "PostgreSQL" in row.reason
    assert "send every reminder already sent again" in row.problems

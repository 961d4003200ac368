"""One run at a time per workspace: a second run waits for the first and then runs, it
neither fails on DuckDB's lock nor skips the day."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import Settings, load_settings
from orchestration.run_lock import RunLockTimeout, holder_of, run_lock

HOLD = """
import sys, time
from orchestration.run_lock import run_lock
from core.settings import load_settings
with run_lock(load_settings({"FORDERWERK_HOME": sys.argv[1]}), "daily_job for 2026-03-31"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_in_another_process(home: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


@pytest.fixture()
def workspace(tmp_path: Path) -> Settings:
    return load_settings({"FORDERWERK_HOME": str(tmp_path / "home")})


def test_a_second_run_waits_for_the_first_and_then_runs(workspace: Settings):
    other = hold_in_another_process(workspace.home, 1.5)
    heard: list[str] = []
    started = time.monotonic()
    with run_lock(workspace, "daily_job for 2026-04-01", on_wait=heard.append):
        waited = time.monotonic() - started
        assert holder_of(workspace.run_lock_path)["what"] == "daily_job for 2026-04-01"
    assert waited > 1.0  # the first held it for 1.5 s from before we asked
    assert other.wait(timeout=10) == 0
    assert len(heard) == 1 and "daily_job for 2026-03-31" in heard[0]
    assert f"process {other.pid}" in heard[0]


def test_a_run_that_waits_too_long_says_who_holds_the_workspace(workspace: Settings):
    other = hold_in_another_process(workspace.home, 5)
    try:
        with (
            pytest.raises(RunLockTimeout, match=r"daily_job for 2026-03-31.*did not start"),
            run_lock(workspace, "ingest_job", timeout=0.6),
        ):
            pytest.fail("must not run while another run holds the workspace")
    finally:
        other.kill()
        other.wait()


def test_a_killed_holder_leaves_no_stale_lock(workspace: Settings):
    other = hold_in_another_process(workspace.home, 60)
    other.kill()
    other.wait()
    with run_lock(workspace, "daily_job", timeout=2):
        pass


def test_the_lock_is_reentrant_within_a_process(workspace: Settings):
    """`forderwerk run` holds it around the job and the job's steps take it again."""
    with run_lock(workspace, "daily_job", timeout=0.5):
        with run_lock(workspace, "a step", timeout=0.5):
            pass
        assert holder_of(workspace.run_lock_path)["what"] == "daily_job"
    other = hold_in_another_process(workspace.home, 0.1)  # released after the outer block
    other.wait()

"""The `forderwerk` command line, run as a user runs it (a subprocess, a workspace)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from orchestration.cli import build_parser
from orchestration.settings import Settings
from tests.conftest import sample_as_of

FORDERWERK = [sys.executable, "-m", "orchestration.cli"]


def run(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "FORDERWERK_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [*FORDERWERK, *args], input=stdin, capture_output=True, text=True, env=env, timeout=600
    )


def test_every_documented_command_is_there():
    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"run", "ingest", "generate", "dunning", "approve", "reject", "users", "serve"} <= set(
        commands
    )


def test_users_add_reads_the_password_from_stdin_and_stores_a_hash(tmp_path: Path):
    result = run(
        tmp_path,
        "users",
        "add",
        "maria",
        "--role",
        "collector",
        "--collector",
        "Maria Roth",
        stdin="a-long-secret\n",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [user] = yaml.safe_load((tmp_path / "users.yaml").read_text())["users"]
    assert user["name"] == "maria" and user["collector"] == "Maria Roth"
    assert "a-long-secret" not in (tmp_path / "users.yaml").read_text()
    assert "a-long-secret" not in result.stdout + result.stderr
    refused = run(tmp_path, "users", "add", "bob", "--role", "collector", stdin="a-long-secret\n")
    assert refused.returncode == 2 and "--collector" in refused.stdout


def test_ingest_reports_loaded_and_quarantined_and_exits_zero(tmp_path: Path):
    good = tmp_path / "customers.csv"
    good.write_text(
        "customer_id,name,customer_type,country,language,currency,payment_terms_days,"
        "entity\nC1,Acme GmbH,B2B,DE,de,EUR,30,FW01\n"
    )
    bad = tmp_path / "documents_bad.csv"
    bad.write_text("document_id\nRE-1\n")
    result = run(tmp_path / "home", "ingest", str(good), str(bad))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file(s) loaded (1 rows)" in result.stdout
    assert "1 quarantined" in result.stdout and "documents_bad.csv" in result.stdout


@pytest.mark.slow
def test_dunning_preview_and_approve_on_the_sample(sample_workspace: Settings):
    preview = run(sample_workspace.home, "dunning", "preview", "--as-of", sample_as_of())
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "nothing is sent" in preview.stdout
    unknown = run(sample_workspace.home, "approve", "no-such-action", "--actor", "test")
    assert unknown.returncode == 1 and "no-such-action" in unknown.stdout


def test_tool_output_goes_to_a_log_file_unless_verbose(tmp_path: Path, capsys):
    """dbt's hundreds of progress lines land in <home>/logs, not on the terminal."""
    import argparse

    from orchestration.cli import _tool_output
    from orchestration.settings import load_settings

    settings = load_settings({"FORDERWERK_HOME": str(tmp_path / "home")})
    with _tool_output(settings, argparse.Namespace(verbose=False), "run-2026-03-31") as log:
        print("1 of 401 START sql view model staging.stg_bank__statements")
    assert "START" not in capsys.readouterr().out
    assert log.parent == settings.home / "logs" and log.name.startswith("run-2026-03-31-")
    assert "1 of 401 START" in log.read_text()
    with _tool_output(settings, argparse.Namespace(verbose=True), "run") as log:
        print("shown")
    assert log is None and "shown" in capsys.readouterr().out

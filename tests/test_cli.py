"""The `forderwerk` command line, run as a user runs it (a subprocess, a workspace)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.settings import Settings
from orchestration.cli import build_parser
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
        "customer_id,name,customer_type,country,language,currency,email,phone,street,"
        "postal_code,city,vat_id,payment_terms_days,credit_limit,collector,entity\n"
        "C1,Acme GmbH,B2B,DE,de,EUR,,,,,,,30,,,FW01\n"
    )
    bad = tmp_path / "documents_bad.csv"
    bad.write_text("document_id\nRE-1\n")
    result = run(tmp_path / "home", "ingest", str(good), str(bad))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file(s) loaded (1 rows)" in result.stdout
    assert "1 quarantined" in result.stdout and "documents_bad.csv" in result.stdout


def test_two_ingests_at_once_take_turns_and_both_succeed(tmp_path: Path):
    """They used to both open the warehouse and one failed on DuckDB's lock."""
    header = (
        "customer_id,name,customer_type,country,language,currency,email,phone,street,"
        "postal_code,city,vat_id,payment_terms_days,credit_limit,collector,entity\n"
    )
    files = []
    for n in (1, 2):
        path = tmp_path / f"customers_{n}.csv"
        path.write_text(header + f"C{n},Kunde {n} GmbH,B2B,DE,de,EUR,,,,,,,30,,,FW01\n")
        files.append(path)
    env = {**os.environ, "FORDERWERK_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    started = [
        subprocess.Popen(
            [*FORDERWERK, "ingest", str(f)], stdout=subprocess.PIPE, text=True, env=env
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=600)[0] for p in started]
    assert [p.returncode for p in started] == [0, 0], outputs
    loaded = sum(int(line.split()[3].strip("(")) for o in outputs for line in o.splitlines()
                 if "file(s) loaded" in line)  # fmt: skip
    assert loaded == 2  # each file loaded once, by whichever run found it


@pytest.mark.slow
def test_dunning_preview_and_approve_on_the_sample(sample_workspace: Settings):
    preview = run(sample_workspace.home, "dunning", "preview", "--as-of", sample_as_of())
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "nothing is sent" in preview.stdout
    unknown = run(sample_workspace.home, "approve", "no-such-action", "--actor", "test")
    assert unknown.returncode == 1 and "no-such-action" in unknown.stdout


def test_deliveries_waiting_for_a_person_make_the_run_exit_3(capsys, monkeypatch):
    from orchestration import cli
    from orchestration.cli import EXIT_NEEDS_A_PERSON, _report
    from orchestration.runner import RunOutcome

    monkeypatch.setattr(cli.console, "width", 200)

    waiting = {
        "action_id": "DA-0123456789AB",
        "state": "uncertain",
        "as_of_date": "2026-03-31",
        "customer_id": "C1",
        "channel": "email",
        "level": 1,
        "retry_at": None,
        "error": "the request reached SendGrid but no answer came back",
    }
    assert _report(RunOutcome("r1", True, dunning={"sent": 1})) == 0
    assert _report(RunOutcome("r2", True, attention=[waiting])) == EXIT_NEEDS_A_PERSON == 3
    out = capsys.readouterr().out
    assert "DA-0123456789AB" in out and "uncertain" in out and "forderwerk mark-sent" in out
    assert _report(RunOutcome("r3", False, attention=[waiting], failures=["dbt: x"])) == 1


def test_deliveries_resend_and_mark_sent_on_the_ledger(tmp_path: Path):
    from actions import ledger
    from actions.ops_store import dunning_actions, engine_for
    from core.settings import load_settings

    home = tmp_path / "home"
    settings = load_settings({"FORDERWERK_HOME": str(home)})
    settings.ensure_workspace()
    engine = engine_for(settings)
    now = ledger.utcnow()
    with engine.begin() as con:
        for action_id, state in (("DA-UNCERTAIN01", "uncertain"), ("DA-FAILED00001", "failed")):
            con.execute(
                dunning_actions.insert().values(
                    action_id=action_id, idempotency_key=action_id, key_text=action_id,
                    kind="notice", as_of_date=now.date(), customer_id="C1", channel="email",
                    level=1, action="dunning_notice", language="de", currency="EUR",
                    state=state, requires_approval=False, attempts=1, created_at=now,
                    updated_at=now, last_error="boom",
                )
            )  # fmt: skip
    listed = run(home, "deliveries")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "DA-UNCERTAIN01" in listed.stdout and "DA-FAILED00001" in listed.stdout
    no_reason = run(home, "mark-sent", "DA-UNCERTAIN01")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    marked = run(home, "mark-sent", "DA-UNCERTAIN01", "--reason", "feed shows it", "--actor", "m")
    assert marked.returncode == 0, marked.stdout + marked.stderr
    resent = run(home, "resend", "DA-FAILED00001", "DA-UNCERTAIN01", "--actor", "m")
    assert resent.returncode == 1  # the second is sent by now: nothing to resend
    states = {a["action_id"]: a["state"] for a in ledger.actions(engine)}
    assert states == {"DA-UNCERTAIN01": "sent", "DA-FAILED00001": "approved"}
    assert "No failed or uncertain deliveries." in run(home, "deliveries").stdout


@pytest.mark.slow
def test_a_run_on_a_zeroed_ops_store_or_a_deleted_warehouse_stops(
    sample_workspace: Settings, tmp_path: Path
):
    """Both used to exit 0: the first sending every reminder again, the second publishing
    empty dashboards and cancelling every notice waiting for approval."""
    import shutil

    home = tmp_path / "home"
    shutil.copytree(sample_workspace.home, home)
    ops, warehouse = home / "ops.sqlite", home / "warehouse.duckdb"
    shutil.copyfile(ops, tmp_path / "ops.sqlite")
    ops.write_bytes(b"")
    outbox = sorted(p for p in (home / "outbox").rglob("*") if p.is_file())
    zeroed = run(home, "run", "--as-of", sample_as_of())
    assert zeroed.returncode == 4, zeroed.stdout + zeroed.stderr
    assert "did not start" in zeroed.stdout and "send every reminder" in zeroed.stdout
    assert ops.stat().st_size == 0  # nothing recreated it
    assert sorted(p for p in (home / "outbox").rglob("*") if p.is_file()) == outbox
    shutil.copyfile(tmp_path / "ops.sqlite", ops)
    snapshot = (home / "serving" / "warehouse.duckdb").read_bytes()
    warehouse.unlink()
    deleted = run(home, "run", "--as-of", sample_as_of())
    assert deleted.returncode == 4, deleted.stdout + deleted.stderr
    assert "warehouse" in deleted.stdout and "is missing" in deleted.stdout
    assert not warehouse.exists()
    assert (home / "serving" / "warehouse.duckdb").read_bytes() == snapshot  # not republished


def test_tool_output_goes_to_a_log_file_unless_verbose(tmp_path: Path, capsys):
    """dbt's hundreds of progress lines land in <home>/logs, not on the terminal."""
    import argparse

    from core.settings import load_settings
    from orchestration.cli import _tool_output

    settings = load_settings({"FORDERWERK_HOME": str(tmp_path / "home")})
    with _tool_output(settings, argparse.Namespace(verbose=False), "run-2026-03-31") as log:
        print("1 of 401 START sql view model staging.stg_bank__statements")
    assert "START" not in capsys.readouterr().out
    assert log.parent == settings.home / "logs" and log.name.startswith("run-2026-03-31-")
    assert "1 of 401 START" in log.read_text()
    with _tool_output(settings, argparse.Namespace(verbose=True), "run") as log:
        print("shown")
    assert log is None and "shown" in capsys.readouterr().out


@pytest.mark.slow
def test_reverse_reopens_the_invoice_at_the_next_run_and_keeps_who_and_why(
    sample_workspace: Settings, tmp_path: Path
):
    import shutil
    from datetime import date, timedelta

    import duckdb

    home = tmp_path / "home"
    shutil.copytree(sample_workspace.home, home)
    with duckdb.connect(str(home / "serving" / "warehouse.duckdb"), read_only=True) as con:
        # a payment that settled a whole invoice alone
        payment, document, amount = con.execute(
            """select m.payment_id, m.document_id, m.applied_amount
               from marts.fct_payment_matches as m
               inner join marts.fct_documents as d using (document_id)
               where m.applied_amount = d.amount and not m.is_reversal
                   and m.document_id not in (select document_id from marts.fct_open_items)
                   and (select count(*) from marts.fct_payment_matches as x
                        where x.document_id = m.document_id) = 1
               order by m.payment_id limit 1"""
        ).fetchone()
    refused = run(home, "reverse", payment, "RE-1999-000001", "--reason", "x")
    assert refused.returncode == 2 and "holds nothing" in refused.stdout, refused.stdout
    next_day = (date.fromisoformat(sample_as_of()) + timedelta(days=1)).isoformat()
    why = "Zahlung gehört zur Gutschrift, Anruf vom 30.10."
    asked = run(home, "reverse", payment, document, "--reason", why, "--actor", "controller.anna",
                "--on", next_day)  # fmt: skip
    assert asked.returncode == 0, asked.stdout + asked.stderr
    ran = run(home, "run", "--as-of", next_day)
    assert ran.returncode in (0, 3), ran.stdout + ran.stderr

    with duckdb.connect(str(home / "serving" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(
            "select open_amount from marts.fct_open_items where document_id = ?", [document]
        ).fetchall() == [(amount,)]
        assert con.execute(
            "select amount, reason from marts.fct_unapplied_cash where payment_id = ?", [payment]
        ).fetchall() == [(amount, "reversed")]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        posted = con.execute(
            """select document_id, amount, posting_kind, posting_date
               from intermediate.int_payment_allocations_posted
               where reversal_id is not null order by amount"""
        ).fetchall()
    day = date.fromisoformat(next_day)
    assert posted == [(document, -amount, "reversal", day), (None, amount, "reversal", day)]
    import sqlite3

    with sqlite3.connect(home / "ops.sqlite") as ops:
        assert ops.execute(
            "select actor, payment_id, document_id, reason from allocation_reversals"
        ).fetchall() == [("controller.anna", payment, document, why)]

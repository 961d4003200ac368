"""Thirty consecutive days of `forderwerk run` on the bundled sample, as production runs it
(2026-10-01 to 10-30 with FORDERWERK_SIM_DAYS=30).

Each morning the files that had arrived by then land (a file named for a later day or
month has not), a credit manager approves what waits for approval, and `forderwerk run
--as-of D` runs the whole pipeline with SendGrid pointed at a local server. Afterwards:

- every action in the ledger went out exactly once, and the ledger, the outbox and the
  SendGrid server agree on each (an e-mail is one request, a letter one PDF and one print
  manifest row, a handover one agency row per claim, a task one worklist row);
- no item got the same dunning step twice, and no notice or handover went to an item
  that, by what Forderwerk could know that morning, was paid, disputed, promised,
  blocked or already handed over. That oracle is computed here from the landing files
  and the generator's truth, not from the warehouse's own marts.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from actions import approvals, ledger
from actions.ops_store import engine_for
from core.settings import load_settings
from orchestration import cli
from orchestration.loading.files import stage_into_landing
from tests.actions.sendgrid_server import SendGridStub
from tests.conftest import SAMPLE, sample_as_of
from tests.dbt.helpers import projections_differing
from tests.test_as_of_reproducible import existed_on

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]

LAST_DAY = date.fromisoformat(sample_as_of())
#: 30 for the full month (`make month`, about 18 minutes); `make test` runs the last days
#: of it to keep CI short (each day is a whole pipeline run of about 35 s)
DAY_COUNT = int(os.environ.get("FORDERWERK_SIM_DAYS", "5"))
DAYS = [LAST_DAY - timedelta(days=n) for n in range(DAY_COUNT - 1, -1, -1)]
SOURCES = ("erp", "bank", "bureau", "ops")
NOTICE_CHANNELS = ("email", "letter")


@pytest.fixture(scope="module")
def month(tmp_path_factory, dbt_manifest):
    """Run the thirty days once; the tests read what they left behind."""
    home = tmp_path_factory.mktemp("thirty") / "home"
    staged: set[Path] = set()
    sent_on: dict[str, date] = {}
    with SendGridStub() as sendgrid, pytest.MonkeyPatch.context() as env:
        env.setenv("FORDERWERK_HOME", str(home))
        env.setenv("SENDGRID_API_KEY", "SG.test-key")
        env.setenv("FORDERWERK_SENDGRID_HOST", sendgrid.url)
        env.setenv("FORDERWERK_MAIL_FROM", "mahnwesen@forderwerk.example")
        settings = load_settings()
        settings.ensure_workspace()
        for day in DAYS:
            for source in SOURCES:
                arrived = [
                    p
                    for p in sorted((SAMPLE / "landing" / source).glob("*"))
                    if p not in staged and existed_on(p, day)
                ]
                stage_into_landing(settings, arrived, source)
                staged.update(arrived)
            assert cli.main(["run", "--as-of", day.isoformat()]) == 0, day
            engine = engine_for(settings)
            for action in ledger.actions(engine, states=("sent",)):
                sent_on.setdefault(action["action_id"], day)
            waiting = ledger.actions(engine, states=("awaiting_approval",))
            if waiting:  # the credit manager's morning round, applied by the next run
                approvals.approve(
                    settings, [a["action_id"] for a in waiting], "kredit@forderwerk.example"
                )
        requests = list(sendgrid.requests)
    return settings, sent_on, requests


def ledger_rows(settings) -> tuple[list[dict], dict[str, list[dict]]]:
    engine = engine_for(settings)
    actions = ledger.actions(engine)
    return actions, ledger.items(engine, [a["action_id"] for a in actions])


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_month_sends_something_of_every_kind(month):
    settings, sent_on, _ = month
    actions, _ = ledger_rows(settings)
    sent = Counter(a["channel"] for a in actions if a["state"] == "sent")
    assert sent["email"] > 10, sent
    if DAY_COUNT >= 30:  # letters come at level 2, 28 days after the due date and 14 after
        # the last notice, so only a run that starts from a month of history reaches them
        assert sent["letter"] > 0 and sent["phone"] > 0, sent  # phone: a broken promise
    days = {sent_on[a] for a in sent_on}
    assert len(days) >= DAY_COUNT // 2, "actions go out on many days, not in one burst"
    assert not [a for a in actions if a["state"] in ("planned", "rendered", "delivering")]


def test_ledger_and_sendgrid_agree_on_every_email(month):
    settings, _, requests = month
    actions, _ = ledger_rows(settings)
    ids = [r["body"]["custom_args"]["forderwerk_action_id"] for r in requests]
    assert len(ids) == len(set(ids)), "an e-mail was handed to SendGrid twice"
    emails = {a["action_id"]: a for a in actions if a["channel"] == "email"}
    sent = {i for i, a in emails.items() if a["state"] == "sent"}
    assert set(ids) == sent
    for r in requests:
        action = emails[r["body"]["custom_args"]["forderwerk_action_id"]]
        (to,) = r["body"]["personalizations"][0]["to"]
        assert to["email"] == action["payload"]["customer"]["email"]
        assert action["provider_message_id"]
    assert not list(settings.outbox("email").rglob("*.eml")), "with a key nothing goes to .eml"


def test_ledger_and_outbox_agree_on_every_letter(month):
    settings, _, _ = month
    actions, _ = ledger_rows(settings)
    sent = {a["action_id"]: a for a in actions if a["channel"] == "letter" and a["state"] == "sent"}
    pdfs = sorted(settings.outbox("letters").rglob("*.pdf"))
    assert Counter(p.stem for p in pdfs) == Counter(list(sent))
    for pdf in pdfs:
        assert pdf.parent.name == sent[pdf.stem]["as_of_date"].isoformat()
        assert pdf.read_bytes().startswith(b"%PDF-")
    listed = [
        row["action_id"]
        for manifest in settings.outbox("letters").rglob("manifest.csv")
        for row in read_csv(manifest)
    ]
    assert Counter(listed) == Counter(list(sent)), "the print manifests list every letter once"


def test_ledger_and_outbox_agree_on_tasks_and_handovers(month):
    settings, _, _ = month
    actions, items = ledger_rows(settings)
    tasks = {a["action_id"] for a in actions if a["channel"] == "phone" and a["state"] == "sent"}
    listed = [
        row["action_id"]
        for path in settings.outbox("worklists").rglob("*.csv")
        for row in read_csv(path)
        if row["source"] == "dunning"
    ]
    assert Counter(listed) == Counter(tasks)
    handed = {a["action_id"] for a in actions if a["channel"] == "agency" and a["state"] == "sent"}
    rows = [r for p in settings.outbox("agency").rglob("*.csv") for r in read_csv(p)]
    assert Counter((r["action_id"], r["document_id"]) for r in rows) == Counter(
        (a, i["document_id"]) for a in handed for i in items[a]
    )


def test_no_item_gets_the_same_step_twice(month):
    settings, _, _ = month
    actions, items = ledger_rows(settings)
    steps = Counter(
        (i["document_id"], a["channel"], a["level"], a["action"])
        for a in actions
        if a["state"] == "sent" and a["kind"] != "task"
        for i in items[a["action_id"]]
    )
    assert [s for s, n in steps.items() if n > 1] == []
    levels: dict[tuple[str, str], list[int]] = defaultdict(list)
    for a in sorted(actions, key=lambda a: (a["as_of_date"], a["level"])):
        if a["state"] == "sent" and a["channel"] in NOTICE_CHANNELS:
            for i in items[a["action_id"]]:
                levels[(i["document_id"], a["channel"])].append(a["level"])
    for key, seen in levels.items():
        assert seen == sorted(seen), key  # levels only climb


# --- the oracle: what Forderwerk could know on the morning of a day ----------------------


def _local_day(text: str) -> date:
    return datetime.fromisoformat(text).date()


def events_as_of(day: date) -> list[dict]:
    with (SAMPLE / "landing" / "ops" / "events_crm.csv").open(encoding="utf-8") as handle:
        return [e for e in csv.DictReader(handle) if _local_day(e["at"]) <= day]


def stopped_by_events(day: date, customer_id: str, document_id: str) -> str | None:
    latest: dict[tuple[str, str], dict] = {}
    kinds = {
        "dispute_opened": "dispute",
        "dispute_resolved": "dispute",
        "promise": "promise",
        "dunning_block": "block",
        "dunning_unblock": "block",
        "payment_plan": "plan",
    }
    for e in sorted(events_as_of(day), key=lambda e: (e["at"], e["event_id"])):
        mine = e["customer_id"] == customer_id and e["document_id"] in ("", document_id)
        if mine and e["type"] in kinds:
            latest[(e["document_id"] or "*", kinds[e["type"]])] = e

    def until(e: dict) -> date | None:
        return date.fromisoformat(e["until"]) if e["until"] else None

    for (_, kind), e in latest.items():
        if kind == "dispute" and e["type"] == "dispute_opened":
            return "disputed"
        if kind == "block" and e["type"] == "dunning_block" and (until(e) or day) >= day:
            return "blocked"
        if kind == "promise" and until(e) and until(e) >= day:
            return "promised"
        if kind == "plan" and (until(e) or day) >= day:
            return "payment plan"
    return None


@pytest.fixture(scope="module")
def paid_by(month):
    return known_payments(month[0])


def known_payments(settings) -> tuple[dict[str, list[tuple[date, Decimal]]], dict]:
    """document -> [(day the payment was known, amount)] from the generator's truth, known
    once the bank file with it had landed (a monthly statement lands at month end)."""
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        booked = {
            (iban, ref): (booking, Path(source).name)
            for iban, ref, booking, source in con.execute(
                "select account_iban, bank_reference, booking_date, source_file"
                " from raw.bank__transactions"
            ).fetchall()
        }
        amounts = dict(con.execute("select document_id, amount from raw.erp__documents").fetchall())
    payments: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for row in read_csv(SAMPLE / "truth" / "bank_payments.csv"):
        if not row["document_id"] or row["kind"] == "other":
            continue
        booking, source = booked[(row["account_iban"], row["bank_reference"])]
        known = next(d for d in [*DAYS, date.max] if d >= booking and existed_on(Path(source), d))
        payments[row["document_id"]].append((known, Decimal(row["amount"])))
    return payments, amounts


def test_no_notice_to_a_paid_disputed_promised_blocked_or_handed_over_item(month, paid_by):
    settings, sent_on, _ = month
    assert wrong_sends(settings, sent_on, *paid_by) == []


def wrong_sends(settings, sent_on: dict[str, date], payments, amounts) -> list[tuple]:
    actions, items = ledger_rows(settings)
    handed_over: dict[str, date] = {}
    for a in actions:
        if a["channel"] == "agency" and a["state"] == "sent":
            for i in items[a["action_id"]]:
                handed_over[i["document_id"]] = sent_on[a["action_id"]]
    wrong = []
    for a in actions:
        if a["state"] != "sent" or a["channel"] not in (*NOTICE_CHANNELS, "agency"):
            continue
        day = sent_on[a["action_id"]]
        for i in items[a["action_id"]]:
            doc = i["document_id"]
            paid = sum((amt for known, amt in payments[doc] if known <= day), Decimal(0))
            why = stopped_by_events(day, a["customer_id"], doc)
            if paid >= Decimal(amounts[doc]):
                why = f"paid {paid}"
            if doc in handed_over and handed_over[doc] < day:
                why = "handed over"
            if why:
                wrong.append((day.isoformat(), a["action_id"], a["channel"], doc, why))
    return wrong


def test_the_month_in_numbers(month, capsys):
    """Not an assertion of figures, a record of them (printed with -s)."""
    settings, sent_on, requests = month
    actions, _ = ledger_rows(settings)
    by_state = Counter((a["channel"], a["state"]) for a in actions)
    per_day = Counter(sent_on.values())
    with capsys.disabled():
        print(
            "\nthirty days:", json.dumps({f"{c}/{s}": n for (c, s), n in sorted(by_state.items())})
        )
        print("sent per day:", {d.isoformat(): per_day[d] for d in DAYS})
        print("sendgrid requests:", len(requests))
    assert sum(per_day.values()) == sum(n for (_, s), n in by_state.items() if s == "sent")


def test_replaying_the_days_from_the_archive_gives_the_same_books(month, capsys):
    """`forderwerk rebuild` lands each day's archived files on their arrival day into a
    fresh warehouse and replays the days (ingest and build, nothing sent): the posted cash
    ledger and every mart equal, to the cent, what the daily runs built."""
    settings, _, _ = month
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FORDERWERK_HOME", str(settings.home))
        code = cli.main(["rebuild"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"identical: {DAY_COUNT} day(s) replayed" in out
    assert not any((settings.home / "rebuild").iterdir()), "an identical rebuild is discarded"
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        posted_days = con.execute(
            "select count(distinct posted_on) from intermediate.int_payment_allocations_posted"
        ).fetchone()[0]
    assert posted_days >= 2, "the days posted on their own, not all at the opening"


def test_a_replay_from_a_later_day_starts_from_the_books_before_it(month, capsys):
    """`forderwerk rebuild --from D` replays only D and the days after it, from a copy of
    the books rolled back to D (the files from D on taken back, what was posted from D on
    deleted, every model of raw rebuilt): the marts and the ledger rows posted from D on
    equal what the daily runs built."""
    settings, _, _ = month
    first = DAYS[-2]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FORDERWERK_HOME", str(settings.home))
        code = cli.main(["rebuild", "--from", first.isoformat()])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"identical: 2 day(s) replayed from the books as they stood before {first}" in out


def test_the_keyed_projections_equal_a_full_projection_of_the_last_day(month, tmp_path):
    """The as-of models kept as state (macros/keyed_projection.sql), stepped day by day
    through the late files, reversals and retries of these days, hold exactly what a full
    projection of the last day holds."""
    settings, _, _ = month
    assert projections_differing(settings.warehouse_path, tmp_path, LAST_DAY.isoformat()) == {}

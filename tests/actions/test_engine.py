"""The dunning run end to end on a small warehouse: grouping, stops, approvals, fees,
idempotency, crash recovery, catch-up, delivery through the real sendgrid client against a
local server, and the outbox files."""

from __future__ import annotations

import csv
import email
import hashlib
import json
import socket
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal as D
from email import policy as email_policy
from pathlib import Path

import pytest

from actions import approvals, ledger, ops_store
from actions import engine as engine_module
from actions.engine import (
    MassCancellation,
    plan_and_record,
    preview,
    render_ready,
    run_dunning,
)
from actions.ops_store import Event, all_events, engine_for, record_event
from tests.actions.warehouse_fixture import Customer, Invoice, World, warehouse

AS_OF = date(2025, 11, 20)  # every base rate up to here is known


def days_ago(n: int, as_of: date = AS_OF) -> date:
    return as_of - timedelta(days=n)


def b2b_world(as_of: date = AS_OF, **customer) -> World:
    return World(
        as_of,
        customers=[Customer("C1", **customer)],
        invoices=[
            Invoice("RE-1", "C1", days_ago(10, as_of), D("1000.00")),
            Invoice("RE-2", "C1", days_ago(30, as_of), D("250.00")),
        ],
    )


def run(settings, world: World, config, as_of: date | None = None):
    world.as_of = as_of or world.as_of
    return run_dunning(settings, warehouse(world), world.as_of, config=config)


def actions(settings, **kw) -> list[dict]:
    return ledger.actions(engine_for(settings), **kw)


def items_of(settings, action_id: str) -> list[dict]:
    return ledger.items(engine_for(settings), [action_id])[action_id]


def files(settings, kind: str) -> list[Path]:
    return sorted(p for p in settings.outbox(kind).rglob("*") if p.is_file())


def eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email_policy.default)


# --- one run ------------------------------------------------------------------------


def test_a_customers_due_items_become_one_notice(settings, config):
    report = run(settings, b2b_world(), config)
    (action,) = actions(settings)
    assert report.sent == [action["action_id"]] and action["state"] == "sent"
    assert (action["channel"], action["level"], action["template"]) == (
        "email",
        1,
        "dunning_level_1",
    )
    # both invoices, oldest first; interest from the day after each due date (2025-H2,
    # 1.27 + 9): 250 x 10.27 x 30 / 36500 = 2.1102 -> 2.11, 1000 x 10.27 x 10 / 36500
    # = 2.8137 -> 2.81; the EUR 40 flat fee per claim; no dunning fee on level 1
    rows = items_of(settings, action["action_id"])
    assert [(i["document_id"], i["interest_amount"], i["flat_fee"]) for i in rows] == [
        ("RE-2", D("2.11"), D("40.00")),
        ("RE-1", D("2.81"), D("40.00")),
    ]
    assert action["total_amount"] == D("1250.00") + D("4.92") + D("80.00")
    (path,) = files(settings, "email")
    assert path == settings.outbox("email") / "2025-11-20" / f"{action['action_id']}.eml"
    message = eml(path)
    assert message["To"] == "Muster GmbH <buchhaltung@muster.example>"
    assert message["Subject"] == "Zahlungserinnerung – Kundennummer C1"
    assert "1.334,92\xa0€" in message.get_body(("plain",)).get_content()
    assert ledger.ledger_levels(engine_for(settings)) == [
        {"document_id": "RE-1", "dunning_level": 1, "last_dunned_date": AS_OF},
        {"document_id": "RE-2", "dunning_level": 1, "last_dunned_date": AS_OF},
    ]


def test_every_action_is_logged_through_its_states(settings, config):
    run(settings, b2b_world(), config)
    (action,) = actions(settings)
    log = ledger.action_log(engine_for(settings), action["action_id"])
    assert [(e["from_state"], e["to_state"]) for e in log] == [
        (None, "planned"),
        ("planned", "rendered"),
        ("rendered", "delivering"),
        ("delivering", "sent"),
    ]


def test_friendly_reminder_before_the_due_date(settings, config):
    world = World(
        AS_OF,
        customers=[Customer("C1")],
        invoices=[Invoice("RE-9", "C1", AS_OF + timedelta(days=2), D("500.00"))],
    )
    run(settings, world, config)
    (action,) = actions(settings)
    assert (action["level"], action["template"], action["interest_status"]) == (
        0,
        "reminder_friendly",
        "none",
    )
    assert items_of(settings, action["action_id"])[0]["flat_fee"] == 0
    # the next day the reminder is not sent again
    assert run(settings, world, config, AS_OF + timedelta(days=1)).planned == []


def test_preview_sends_and_writes_nothing(settings, config):
    con = warehouse(b2b_world())
    shown = preview(settings, con, AS_OF, config=config)
    assert [(a["channel"], a["level"], a["documents"]) for a in shown.actions] == [
        ("email", 1, ["RE-2", "RE-1"])
    ]
    assert shown.actions[0]["total"] == D("1334.92")
    assert actions(settings) == [] and files(settings, "email") == []
    # the run then does exactly what the preview showed
    assert run_dunning(settings, con, AS_OF, config=config).sent == [shown.actions[0]["action_id"]]


def test_customer_without_email_gets_a_letter(settings, config):
    run(settings, b2b_world(email=None), config)
    (action,) = actions(settings)
    assert action["channel"] == "letter" and action["state"] == "sent"
    pdf, manifest = files(settings, "letters")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert manifest == settings.outbox("letters") / AS_OF.isoformat() / "manifest.csv"
    (row,) = csv.DictReader(manifest.open(encoding="utf-8"))
    assert row["action_id"] == action["action_id"] and row["file"] == pdf.name
    assert row["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert row["customer_id"] == "C1" and row["postage"] == "domestic"
    assert (row["total_amount"], row["currency"]) == (str(action["total_amount"]), "EUR")


def test_marts_of_another_day_are_refused(settings, config):
    con = warehouse(b2b_world())
    with pytest.raises(LookupError, match="run the pipeline for 2025-11-21"):
        run_dunning(settings, con, AS_OF + timedelta(days=1), config=config)


# --- idempotency and crashes ------------------------------------------------------------


def test_a_rerun_on_the_same_day_sends_nothing_twice(sendgrid_settings, sendgrid, config):
    world = b2b_world()
    first = run(sendgrid_settings, world, config)
    second = run(sendgrid_settings, world, config)
    assert len(first.sent) == 1 and second.planned == [] and second.sent == []
    assert len(sendgrid.requests) == 1
    assert len(actions(sendgrid_settings)) == 1


def test_crash_after_the_ledger_write_delivers_exactly_once(sendgrid_settings, sendgrid, config):
    world = b2b_world()
    recorded = plan_and_record(sendgrid_settings, warehouse(world), AS_OF, config=config)
    assert len(recorded.planned) == 1 and sendgrid.requests == []  # ... and the process died
    report = run(sendgrid_settings, world, config)
    assert report.planned == [] and report.sent == recorded.planned
    assert len(sendgrid.requests) == 1
    body = sendgrid.requests[0]["body"]
    assert body["personalizations"][0]["to"] == [
        {"email": "buchhaltung@muster.example", "name": "Muster GmbH"}
    ]
    assert body["from"]["email"] == "mahnwesen@forderwerk.example"
    assert body["custom_args"] == {"forderwerk_action_id": recorded.planned[0]}
    assert run(sendgrid_settings, world, config).sent == []
    assert len(sendgrid.requests) == 1


def test_crash_after_rendering_delivers_exactly_once(sendgrid_settings, sendgrid, config):
    world = b2b_world()
    plan_and_record(sendgrid_settings, warehouse(world), AS_OF, config=config)
    from actions.company import load_company

    render_ready(engine_for(sendgrid_settings), load_company(), config)
    assert [a["state"] for a in actions(sendgrid_settings)] == ["rendered"]
    run(sendgrid_settings, world, config)
    run(sendgrid_settings, world, config)
    assert len(sendgrid.requests) == 1
    assert [a["state"] for a in actions(sendgrid_settings)] == ["sent"]


def test_crash_while_handing_to_sendgrid_is_never_resent_by_itself(
    sendgrid_settings, sendgrid, config
):
    world = b2b_world()
    (action_id,) = plan_and_record(
        sendgrid_settings, warehouse(world), AS_OF, config=config
    ).planned
    engine = engine_for(sendgrid_settings)
    from actions.company import load_company

    render_ready(engine, load_company(), config)
    assert ledger.begin_delivery(engine, action_id, ("rendered",), transport="sendgrid")
    # the process died here: SendGrid may or may not have the mail
    report = run(sendgrid_settings, world, config)
    assert report.uncertain == [action_id] and sendgrid.requests == []
    assert actions(sendgrid_settings)[0]["state"] == "uncertain"
    assert run(sendgrid_settings, world, config).sent == [] and sendgrid.requests == []
    # a person checked SendGrid's activity feed and releases it
    (decision,) = approvals.approve(sendgrid_settings, [action_id], "martin")
    assert decision.state == "approved"
    assert run(sendgrid_settings, world, config).sent == [action_id]
    assert len(sendgrid.requests) == 1


def test_crash_while_writing_a_file_writes_it_again(settings, config):
    world = b2b_world()
    (action_id,) = plan_and_record(settings, warehouse(world), AS_OF, config=config).planned
    engine = engine_for(settings)
    from actions.company import load_company

    render_ready(engine, load_company(), config)
    ledger.begin_delivery(engine, action_id, ("rendered",), transport="file")
    assert run(settings, world, config).sent == [action_id]
    assert len(files(settings, "email")) == 1


# --- delivery failures ----------------------------------------------------------------


def test_sendgrid_errors_are_retried_with_backoff(sendgrid_settings, sendgrid, config, sleeps):
    sendgrid.script = [503, 429]
    report = run(sendgrid_settings, b2b_world(), config)
    assert len(report.sent) == 1 and len(sendgrid.requests) == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff; Retry-After 0 does not shorten it
    (action,) = actions(sendgrid_settings)
    assert action["provider_message_id"] == "msg-3"
    log = ledger.action_log(engine_for(sendgrid_settings), action["action_id"])
    assert "3 call(s)" in log[-1]["detail"]


def test_a_failing_delivery_shows_as_failed_and_is_retried_later(
    sendgrid_settings, sendgrid, config
):
    world = b2b_world()
    sendgrid.always = 500
    report = run(sendgrid_settings, world, config)
    (action,) = actions(sendgrid_settings)
    assert report.failed == [action["action_id"]] and report.sent == []
    assert action["state"] == "failed" and "500" in action["last_error"]
    assert action["next_attempt_at"] is not None and action["attempts"] == 1
    assert ledger.ledger_levels(engine_for(sendgrid_settings)) == []  # never counted as sent
    assert len(sendgrid.requests) == 3
    # the next run tries again (and plans nothing new for the same documents)
    report = run(sendgrid_settings, world, config, AS_OF + timedelta(days=1))
    assert report.planned == [] and report.failed == [action["action_id"]]
    assert len(sendgrid.requests) == 6
    sendgrid.always = None
    report = run(sendgrid_settings, world, config, AS_OF + timedelta(days=2))
    assert report.sent == [action["action_id"]] and len(sendgrid.requests) == 7


@pytest.mark.parametrize("bad_luck", ["reset", "hang"])
def test_a_mail_sendgrid_may_have_accepted_is_never_resent_by_itself(
    sendgrid_settings, sendgrid, config, bad_luck
):
    """SendGrid reads the request (and queues the mail), then the connection is reset or
    times out: a retry would send the mail twice, so the action is uncertain instead."""
    config = replace(config, retry=replace(config.retry, timeout=0.5))
    sendgrid.after_accept = bad_luck
    world = b2b_world()
    report = run(sendgrid_settings, world, config)
    (action,) = actions(sendgrid_settings)
    assert report.uncertain == [action["action_id"]] and report.sent == report.failed == []
    assert len(sendgrid.requests) == 1  # one call, no retry
    assert action["state"] == "uncertain" and action["next_attempt_at"] is None
    assert "forderwerk_action_id=" + action["action_id"] in action["last_error"]
    assert [(a["action_id"], a["state"]) for a in report.attention] == [
        (action["action_id"], "uncertain")
    ]
    assert ledger.ledger_levels(engine_for(sendgrid_settings)) == []
    # later runs leave it alone and keep reporting it
    sendgrid.after_accept = None
    report = run(sendgrid_settings, world, config, AS_OF + timedelta(days=1))
    assert report.sent == [] and report.planned == [] and len(sendgrid.requests) == 1
    assert [a["state"] for a in report.attention] == ["uncertain"]
    # a person found the mail in SendGrid's activity feed
    (decision,) = approvals.mark_sent(
        sendgrid_settings, [action["action_id"]], "martin", "activity feed: delivered 09:14"
    )
    assert decision.state == "sent"
    levels = ledger.ledger_levels(engine_for(sendgrid_settings))
    assert [(r["document_id"], r["dunning_level"]) for r in levels] == [("RE-1", 1), ("RE-2", 1)]
    report = run(sendgrid_settings, world, config, AS_OF + timedelta(days=2))
    assert report.sent == [] and report.attention == [] and len(sendgrid.requests) == 1
    log = ledger.action_log(engine_for(sendgrid_settings), action["action_id"])
    assert (log[-1]["from_state"], log[-1]["to_state"], log[-1]["actor"]) == (
        "uncertain",
        "sent",
        "martin",
    )


def test_an_uncertain_mail_resent_by_a_person_goes_out_once_more(
    sendgrid_settings, sendgrid, config
):
    config = replace(config, retry=replace(config.retry, timeout=0.5))
    sendgrid.after_accept = "reset"
    world = b2b_world()
    (action_id,) = run(sendgrid_settings, world, config).uncertain
    sendgrid.after_accept = None
    # the activity feed shows nothing: the person resends it
    (decision,) = approvals.resend(sendgrid_settings, [action_id], "martin")
    assert decision.state == "approved"
    assert run(sendgrid_settings, world, config).sent == [action_id]
    assert len(sendgrid.requests) == 2
    assert approvals.resend(sendgrid_settings, [action_id], "martin")[0].state is None
    with pytest.raises(ValueError, match="reason"):
        approvals.mark_sent(sendgrid_settings, [action_id], "martin", " ")


def test_sendgrid_unreachable_is_retried_because_nothing_went_out(
    sendgrid_settings, config, sleeps
):
    """Connection refused: the request never left, so retrying cannot double it."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings = replace(sendgrid_settings, sendgrid_host=closed)
    report = run(settings, b2b_world(), config)
    (action,) = actions(settings)
    assert report.failed == [action["action_id"]] and report.uncertain == []
    assert sleeps == [0.5, 1.0]  # three calls within the run
    assert action["state"] == "failed" and action["next_attempt_at"] is not None
    assert "not reachable" in action["last_error"]
    assert [a["state"] for a in report.attention] == ["failed"]


def test_a_rejected_request_is_not_retried(sendgrid_settings, sendgrid, config):
    sendgrid.always = 400
    world = b2b_world()
    run(sendgrid_settings, world, config)
    (action,) = actions(sendgrid_settings)
    assert action["state"] == "failed" and action["next_attempt_at"] is None
    run(sendgrid_settings, world, config, AS_OF + timedelta(days=1))
    assert len(sendgrid.requests) == 1


# --- catch-up, fees -------------------------------------------------------------------


def test_after_an_outage_each_item_climbs_one_level_per_run(settings, config):
    """An invoice 60 days overdue that was never dunned: level 1 first, then one level
    each time the step's waiting time has passed, never two at once."""
    world = World(
        AS_OF,
        customers=[Customer("C1")],
        invoices=[Invoice("RE-7", "C1", days_ago(60), D("1000.00"))],
    )
    levels = []
    for offset in (0, 1, 2, 7, 13, 14, 15, 20, 27, 28, 35, 41, 42, 43, 50, 56):
        report = run(settings, world, config, AS_OF + timedelta(days=offset))
        if report.planned:
            new = actions(settings, action_ids=report.planned)
            levels.append((offset, sorted({(a["level"], a["channel"]) for a in new})))
    assert levels == [
        (0, [(1, "email")]),
        (14, [(2, "email"), (2, "letter")]),
        (28, [(3, "letter")]),
        (42, [(4, "agency"), (4, "letter")]),
    ]
    assert {a["state"] for a in actions(settings) if a["level"] == 4} == {"awaiting_approval"}
    # an approval not given within 14 days lapses; the handover is proposed afresh
    report = run(settings, world, config, AS_OF + timedelta(days=57))
    assert len(report.cancelled) == 2 and len(report.awaiting_approval) == 2


def test_fees_are_booked_once_per_notice_and_the_flat_fee_once_per_claim(settings, config):
    world = World(
        AS_OF,
        customers=[Customer("C1")],
        invoices=[
            Invoice("RE-7", "C1", days_ago(60), D("1000.00")),
            Invoice("RE-8", "C1", days_ago(58), D("300.00")),
        ],
    )
    run(settings, world, config)
    run(settings, world, config, AS_OF + timedelta(days=14))
    level2 = {a["channel"]: a for a in actions(settings) if a["level"] == 2}
    assert set(level2) == {"email", "letter"}
    # the same notice twice: the dunning fee (5.00) shows in both, is booked once, on the
    # letter; the flat fee of level 1 is now an earlier fee, not charged again
    for a in level2.values():
        assert a["notice_fee"] == D("5.00")
        rows = items_of(settings, a["action_id"])
        assert [(i["earlier_fees"], i["flat_fee"]) for i in rows] == [(D("40.00"), 0)] * 2
    assert [i["dunning_fee"] for i in items_of(settings, level2["letter"]["action_id"])] == [
        D("5.00"),
        0,
    ]
    assert [i["dunning_fee"] for i in items_of(settings, level2["email"]["action_id"])] == [0, 0]
    histories = ledger.document_histories(engine_for(settings))
    assert histories["RE-7"].fees_booked == D("45.00")
    assert histories["RE-8"].fees_booked == D("40.00")
    # a run reads the histories of its documents only, and the same figures
    assert ledger.document_histories(engine_for(settings), ["RE-7", "RE-9"]) == {
        "RE-7": histories["RE-7"]
    }
    assert level2["letter"]["total_amount"] == level2["email"]["total_amount"]


def test_consumers_are_charged_interest_only_after_the_first_notice(settings, config):
    world = World(
        AS_OF,
        customers=[Customer("C2", customer_type="B2C", segment="b2c", name="Erika Mustermann")],
        invoices=[Invoice("RE-5", "C2", days_ago(30), D("200.00"))],
    )
    run(settings, world, config)
    (first,) = actions(settings)
    assert (first["channel"], first["level"], first["total_amount"]) == (
        "letter",
        1,
        D("200.00"),
    )
    run(settings, world, config, AS_OF + timedelta(days=14))
    second = next(a for a in actions(settings) if a["level"] == 2)
    (row,) = items_of(settings, second["action_id"])
    # 44 days from 2025-10-22 at 1.27 + 5 = 6.27 %: 200 x 6.27 x 44 / 36500 = 1.5117 -> 1.51
    assert (row["interest_amount"], row["flat_fee"], second["notice_fee"]) == (
        D("1.51"),
        0,
        D("2.50"),
    )
    text = settings.outbox("letters") / str(AS_OF + timedelta(days=14))
    assert len(list(text.glob("*.pdf"))) == 1


# --- stops ----------------------------------------------------------------------------


def ops_event(settings, type_: str, at: date = AS_OF, customer_id: str = "C1", **kw) -> None:
    """An event as the app writes it, entered on ``at`` (the app stamps the real time)."""
    engine = engine_for(settings)
    with engine.begin() as con:
        con.execute(
            ops_store.events.insert().values(
                event_id=f"test-{type_}-{at}-{kw.get('document_id')}",
                at=datetime.combine(at, time(9, 30)),
                actor="test",
                customer_id=customer_id,
                type=type_,
                **kw,
            )
        )


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda s, w: ops_event(s, "dispute_opened", document_id="RE-1"), "dispute"),
        (lambda s, w: ops_event(s, "dunning_block"), "blocked"),
        (
            lambda s, w: ops_event(
                s, "promise", until=AS_OF + timedelta(days=3), amount=D("1250"), currency="EUR"
            ),
            "promise",
        ),
        (
            lambda s, w: ops_event(s, "payment_plan", until=AS_OF + timedelta(days=60)),
            "payment_plan",
        ),
        (
            lambda s, w: w.unapplied.append(
                {"customer_id": "C1", "amount": D("1300.00"), "date": days_ago(2)}
            ),
            "unapplied_cash",
        ),
        (  # paid "RE-1 minus GS-1": the books keep both open until someone clears them
            lambda s, w: w.invoices.append(
                Invoice("GS-1", "C1", days_ago(40), D("-1000.00"), document_type="credit_note")
            ),
            "open_credit_note",
        ),
        (lambda s, w: setattr(w.customers[0], "is_insolvent", True), "insolvency"),
        (lambda s, w: w.stopped.update({"RE-1": "recent_contact"}), "recent_contact"),
    ],
)
def test_nobody_who_disputes_promised_or_is_blocked_is_dunned(settings, config, setup, reason):
    world = b2b_world()
    world.invoices = world.invoices[:1]  # RE-1 only
    setup(settings, world)
    report = run(settings, world, config)
    assert report.planned == [] and actions(settings) == []
    assert [(s.document_id, s.reason) for s in report.stops] == [("RE-1", reason)]


def test_a_payment_since_the_last_notice_holds_the_next_one(settings, config):
    world = b2b_world()
    run(settings, world, config)
    later = AS_OF + timedelta(days=14)
    world.invoices[0].paid_amount = D("400.00")
    world.payments.append(
        {"customer_id": "C1", "document_id": "RE-1", "amount": D("400.00"), "date": later}
    )
    report = run(settings, world, config, later)
    assert ("RE-1", "payment_received") in [(s.document_id, s.reason) for s in report.stops]
    assert {
        d
        for a in actions(settings, action_ids=report.planned)
        for d in (i["document_id"] for i in items_of(settings, a["action_id"]))
    } == {"RE-2"}


def test_a_stop_after_planning_cancels_what_has_not_gone_out(settings, config):
    world = b2b_world(segment="key_account")  # every step needs approval
    world.invoices[0].due_date = days_ago(20)  # both due for the key-account call (14 days)
    run(settings, world, config)
    (action,) = actions(settings)
    assert (action["state"], action["channel"]) == ("awaiting_approval", "phone")
    ops_event(settings, "dispute_opened", document_id="RE-2")
    report = run(settings, world, config)
    assert report.cancelled == [action["action_id"]]
    assert actions(settings, action_ids=[action["action_id"]])[0]["state"] == "cancelled"
    # the undisputed invoice is planned again on its own
    (new,) = actions(settings, action_ids=report.planned)
    assert [i["document_id"] for i in items_of(settings, new["action_id"])] == ["RE-1"]


def key_accounts_waiting(settings, config, count: int) -> World:
    """``count`` key accounts, each with a notice waiting for approval."""
    world = World(
        AS_OF,
        customers=[Customer(f"C{n}", segment="key_account") for n in range(1, count + 1)],
        invoices=[
            Invoice(f"RE-{n}", f"C{n}", days_ago(20), D("1000.00")) for n in range(1, count + 1)
        ],
    )
    run(settings, world, config)
    assert {a["state"] for a in actions(settings)} == {"awaiting_approval"}
    return world


def test_cancelling_every_notice_waiting_for_approval_stops_for_a_person(settings, config):
    """What an empty or truncated warehouse looks like: the whole approval queue stale."""
    world = key_accounts_waiting(settings, config, 3)
    world.invoices = []  # no open items any more
    with pytest.raises(MassCancellation, match="all 3 notices waiting for approval"):
        run(settings, world, config)
    assert {a["state"] for a in actions(settings)} == {"awaiting_approval"}  # untouched
    # the credit manager checked: the customers really paid; they reject, the run goes on
    waiting = [a["action_id"] for a in actions(settings)]
    approvals.reject(settings, waiting, "kredit", "alles bezahlt")
    assert run(settings, world, config).cancelled == []


def test_cancelling_part_of_the_approval_queue_is_ordinary(settings, config):
    world = key_accounts_waiting(settings, config, 3)
    world.invoices = world.invoices[:1]  # two customers paid
    report = run(settings, world, config)
    assert len(report.cancelled) == 2


def test_a_broken_promise_becomes_a_task_and_dunning_resumes(settings, config):
    world = b2b_world()
    world.worklist = [
        {
            "worklist_task_id": "call_overdue:C9",
            "collector": "Anna Becker",
            "customer_id": "C9",
            "task": "call_overdue",
            "priority": 2,
        },
        {
            "worklist_task_id": "follow_up_broken_promise:C1",
            "collector": "Anna Becker",
            "customer_id": "C1",
            "task": "follow_up_broken_promise",
        },
    ]
    ops_event(
        settings, "promise", at=days_ago(10), until=days_ago(3), amount=D("1250.00"), currency="EUR"
    )
    report = run(settings, world, config)
    kinds = sorted((a["action"], a["channel"], a["state"]) for a in actions(settings))
    assert kinds == [("broken_promise", "phone", "sent"), ("dunning", "email", "sent")]
    (path,) = files(settings, "worklists")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert path.name == "anna-becker.csv"
    assert sorted((r["source"], r["task"], r["customer_id"]) for r in rows) == [
        ("dunning", "follow_up_broken_promise", "C1"),
        ("warehouse", "call_overdue", "C9"),
    ]
    task = next(r for r in rows if r["source"] == "dunning")
    assert task["documents"] == "RE-2 RE-1" and "1.250,00" in task["script"]
    assert len(report.sent) == 2
    # once per promise: not again the next day
    assert run(settings, world, config, AS_OF + timedelta(days=1)).planned == []


def test_a_phone_step_goes_to_the_collectors_worklist(settings, config):
    world = World(
        AS_OF,
        customers=[Customer("C3", risk_class="D", name="Risiko KG", collector="Jonas Weber")],
        invoices=[Invoice("RE-3", "C3", days_ago(5), D("800.00"))],
    )
    run(settings, world, config)  # strict_high_risk level 1: e-mail and letter
    later = AS_OF + timedelta(days=5)
    report = run(settings, world, config, later)
    (task,) = actions(settings, action_ids=report.planned)
    assert (task["channel"], task["action"], task["state"]) == ("phone", "phone_call", "sent")
    (path,) = [p for p in files(settings, "worklists") if later.isoformat() in str(p)]
    (row,) = list(csv.DictReader(path.open(encoding="utf-8")))
    assert (row["collector"], row["task"], row["action_id"]) == (
        "Jonas Weber",
        "phone_step",
        task["action_id"],
    )
    assert "Anruf" in row["script"] and "RE-3" in row["script"]


# --- approvals ------------------------------------------------------------------------


def key_account_world() -> World:
    return World(
        AS_OF,
        customers=[Customer("K1", segment="key_account", name="Groß AG")],
        invoices=[Invoice("RE-K", "K1", AS_OF + timedelta(days=5), D("50000.00"))],
    )


def test_key_account_waits_for_approval_from_the_app(settings, config):
    world = key_account_world()
    report = run(settings, world, config)
    (action,) = actions(settings)
    assert report.awaiting_approval == [action["action_id"]] and report.sent == []
    assert "needs approval" in action["approval_reasons"]
    (item,) = items_of(settings, action["action_id"])
    # the app approves the proposal it shows (reference = dunning_proposal_id)
    record_event(
        engine_for(settings),
        Event(customer_id="K1", type="approval", actor="cfo", reference=item["proposal_id"]),
    )
    report = run(settings, world, config, AS_OF + timedelta(days=1))
    assert report.sent == [action["action_id"]] and report.planned == []
    sent = actions(settings, action_ids=[action["action_id"]])[0]
    assert (sent["decided_by"], sent["template"]) == ("cfo", "reminder_key_account")


def test_a_rejection_in_the_app_holds_the_step_for_a_while(settings, config):
    world = key_account_world()
    world.invoices[0].due_date = AS_OF + timedelta(days=7)  # the reminder's first day
    run(settings, world, config)
    (action,) = actions(settings)
    (item,) = items_of(settings, action["action_id"])
    record_event(
        engine_for(settings),
        Event(
            customer_id="K1",
            type="rejection",
            actor="cfo",
            reference=item["proposal_id"],
            text="Kunde zahlt per Sammelüberweisung",
        ),
    )
    report = run(settings, world, config, AS_OF + timedelta(days=1))
    assert report.planned == [] and [s.reason for s in report.stops] == ["rejected"]
    rejected = actions(settings, action_ids=[action["action_id"]])[0]
    assert (rejected["state"], rejected["decided_by"]) == ("rejected", "cfo")
    # a week later the step comes up again and waits for a new decision: the old
    # rejection of the same proposal does not decide it
    report = run(settings, world, config, AS_OF + timedelta(days=7))
    (again,) = report.awaiting_approval
    assert again != action["action_id"]
    assert actions(settings, action_ids=[again])[0]["state"] == "awaiting_approval"


def test_approve_and_reject_from_the_command_line(settings, config):
    world = key_account_world()
    world.customers.append(Customer("K2", segment="key_account", name="Zwei AG"))
    world.invoices.append(Invoice("RE-L", "K2", AS_OF + timedelta(days=6), D("9000.00")))
    report = run(settings, world, config)
    first, second = sorted(report.awaiting_approval)
    with pytest.raises(ValueError, match="reason"):
        approvals.reject(settings, [second], "martin", " ")
    assert [d.state for d in approvals.approve(settings, [first], "martin")] == ["approved"]
    assert [d.state for d in approvals.reject(settings, [second], "martin", "im Gespräch")] == [
        "rejected"
    ]
    assert approvals.approve(settings, [second], "martin")[0].state is None  # already decided
    assert approvals.approve(settings, ["DA-NOPE"], "martin")[0].message == "no such action"
    report = run(settings, world, config)
    assert report.sent == [first]
    decisions = {(e["type"], e["reference"], e["actor"]) for e in all_events(engine_for(settings))}
    assert decisions == {("approval", first, "martin"), ("rejection", second, "martin")}
    rejected = actions(settings, action_ids=[second])[0]
    assert (rejected["state"], rejected["decision_text"]) == ("rejected", "im Gespräch")


def test_unknown_interest_is_held_for_approval_not_guessed(settings, config):
    as_of = date(2026, 7, 10)  # no base rate for 2026-H2 in the seed
    world = World(
        as_of,
        customers=[Customer("C1")],
        invoices=[Invoice("RE-U", "C1", as_of - timedelta(days=39), D("1000.00"))],
    )
    report = run(settings, world, config)
    (action,) = actions(settings)
    assert report.awaiting_approval == [action["action_id"]] and report.sent == []
    assert action["interest_status"] == "unknown"
    assert "2026-H2" in action["approval_reasons"]
    (row,) = items_of(settings, action["action_id"])
    assert row["interest_amount"] is None and row["interest_status"] == "unknown"
    approvals.approve(settings, [action["action_id"]], "martin")
    assert run(settings, world, config).sent == [action["action_id"]]
    text = eml(files(settings, "email")[0]).get_body(("plain",)).get_content()
    assert "Zinsen *" in text and "1.040,00\xa0€" in text  # open + flat fee, no interest
    assert "Basiszinssatz ab dem 1. Juli 2026 veröffentlicht" in " ".join(text.split())


# --- agency handover ----------------------------------------------------------------


def test_agency_handover_after_approval_writes_letter_and_agency_file(settings, config):
    world = World(
        AS_OF,
        customers=[Customer("C1")],
        invoices=[Invoice("RE-7", "C1", days_ago(60), D("1000.00"))],
    )
    for offset in (0, 14, 28, 42):
        report = run(settings, world, config, AS_OF + timedelta(days=offset))
    handover_day = AS_OF + timedelta(days=42)
    waiting = sorted(report.awaiting_approval)
    assert len(waiting) == 2
    approvals.approve(settings, waiting, "cfo")
    report = run(settings, world, config, handover_day)
    assert sorted(report.sent) == waiting
    folder = settings.outbox("agency") / handover_day.isoformat()
    (row,) = list(csv.DictReader((folder / "inkasso-nord.csv").open(encoding="utf-8")))
    assert (row["document_id"], row["open_amount"], row["fees"]) == ("RE-7", "1000.00", "55.00")
    document = json.loads((folder / "inkasso-nord.json").read_text())
    assert document["agency"] == "inkasso_nord" and len(document["items"]) == 1
    letters = list((settings.outbox("letters") / handover_day.isoformat()).glob("*.pdf"))
    assert len(letters) == 1
    # handed over: no more dunning for it
    later = run(settings, world, config, handover_day + timedelta(days=30))
    assert later.planned == [] and later.stops[0].reason == "agency_handover_done"


@pytest.mark.parametrize(("days_before", "held"), [(0, True), (4, True), (5, False), (30, False)])
def test_only_a_payment_within_the_grace_window_holds_the_next_notice(
    settings, config, days_before, held
):
    """The engine reads only the payments of the grace window (5 days): one on the run
    day or 4 days before holds the notice, one 5 or 30 days before does not."""
    world = b2b_world()
    run(settings, world, config)
    later = AS_OF + timedelta(days=14)
    world.invoices[0].paid_amount = D("400.00")
    paid = later - timedelta(days=days_before)
    world.payments.append(
        {"customer_id": "C1", "document_id": "RE-1", "amount": D("400.00"), "date": paid}
    )
    report = run(settings, world, config, later)
    stops = [(s.document_id, s.reason) for s in report.stops]
    assert (("RE-1", "payment_received") in stops) is held


# --- what the run reads --------------------------------------------------------------


def test_the_run_reads_only_the_items_it_can_act_on(settings, config):
    """Of C1's items the overdue one (a proposal) and C1's open credit note; not C1's item
    due in 60 days (no step reached), not C2's items (nothing due, no promise), not C2's
    credit note. C3 promised to pay by yesterday: all of C3's open items, since a broken
    promise names them; and the document of an action planned earlier but not delivered."""
    world = World(
        AS_OF,
        customers=[Customer("C1"), Customer("C2"), Customer("C3")],
        invoices=[
            Invoice("RE-1", "C1", days_ago(10), D("1000.00")),
            Invoice("RE-3", "C1", AS_OF + timedelta(days=60), D("80.00")),
            Invoice("GS-1", "C1", days_ago(20), D("-50.00"), document_type="credit_note"),
            Invoice("RE-4", "C2", AS_OF + timedelta(days=60), D("70.00")),
            Invoice("GS-2", "C2", days_ago(20), D("-30.00"), document_type="credit_note"),
            Invoice("RE-5", "C3", AS_OF + timedelta(days=20), D("90.00")),
        ],
    )
    engine = engine_for(settings)
    record_event(
        engine, Event("C3", "promise", "Anna", amount=D("90.00"), currency="EUR", until=days_ago(1))
    )
    con = warehouse(world)
    data, _ = engine_module._read(con, AS_OF, config, engine)
    assert sorted(data.open_items) == ["GS-1", "RE-1", "RE-5"]
    assert sorted(data.customers) == ["C1", "C3"]
    # an action planned for C2's RE-4 earlier, not delivered yet: its document is checked
    later = AS_OF + timedelta(days=70)
    plan_and_record(settings, warehouse(replace(world, as_of=later)), later, config=config)
    assert "RE-4" in {
        i["document_id"] for a in actions(settings) for i in items_of(settings, a["action_id"])
    }
    data, _ = engine_module._read(con, AS_OF, config, engine)
    assert "RE-4" in data.open_items

"""Bureau reports (CSV and JSON) and bulk ops events."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from orchestration.ingest.bureau import parse_bureau
from orchestration.ingest.errors import IngestError
from orchestration.ingest.ops_events import parse_ops_events

HEADER = (
    "customer_id,vat_id,bureau,report_date,score,score_scale,rating_class,"
    "probability_of_default,recommended_limit,insolvency,negative_features\n"
)


def test_bureau_csv_by_customer_id():
    data = (HEADER + "C1,,creditreform,2026-10-01,245,100-600,2,0.0123,50000.00,false,\n").encode()
    row = parse_bureau(data, "bureau_cr.csv", {"C1"}, {})[0]
    assert row["score"] == Decimal("245")
    assert row["probability_of_default"] == Decimal("0.0123")
    assert row["recommended_limit"] == Decimal("50000.00")
    assert row["insolvency"] is False


def test_bureau_json_resolved_by_vat_id():
    payload = [
        {
            "customer_id": None,
            "vat_id": "de 136 695 976",
            "bureau": "crif",
            "report_date": "2026-10-01",
            "score": 7,
            "insolvency": True,
            "negative_features": ["Inkasso", "Zahlungsverzug"],
        }
    ]
    rows = parse_bureau(
        json.dumps(payload).encode(), "bureau_crif.json", {"C1"}, {"DE136695976": "C1"}
    )
    assert rows[0]["customer_id"] == "C1"
    assert rows[0]["insolvency"] is True
    assert rows[0]["negative_features"] == "Inkasso; Zahlungsverzug"
    assert rows[0]["_line"] == "record 1"


def test_bureau_refusals():
    data = (
        HEADER
        + "C9,,cr,2026-10-01,,,,,,,\n"  # unknown customer
        + ",DE999999999,cr,2026-10-01,,,,,,,\n"  # unknown VAT id
        + ",,cr,2026-10-01,,,,,,,\n"  # neither
        + "C1,,cr,2026-10-01,,,,1.5,,vielleicht,\n"
    ).encode()  # pd > 1, bad bool
    with pytest.raises(IngestError) as exc:
        parse_bureau(data, "b.csv", {"C1"}, {})
    found = {(i.location, i.field) for i in exc.value.issues}
    assert found == {
        ("line 2", "customer_id"),
        ("line 3", "vat_id"),
        ("line 4", "customer_id"),
        ("line 5", "probability_of_default"),
        ("line 5", "insolvency"),
    }


def test_ops_events():
    data = (
        b"event_id,at,actor,customer_id,document_id,type,amount,until,text\n"
        b"E1,2026-11-02T09:30:00+01:00,crm,C1,RE-1,Promise,500.00,2026-11-15,calls back\n"
        b"E2,2026-11-02,crm,C1,,dispute_opened,,,wrong price\n"
    )
    rows = parse_ops_events(data, "events_crm.csv", {"C1"})
    assert rows[0]["type"] == "promise"
    assert rows[0]["at"] == datetime(2026, 11, 2, 8, 30)  # stored as UTC
    assert rows[0]["until"] == date(2026, 11, 15)
    assert rows[1]["amount"] is None


def test_ops_events_refusals():
    data = (
        b"event_id,at,actor,customer_id,document_id,type,amount,until,text\n"
        b"E1,2026-11-02,crm,C1,,promise,500.00,,\n"
        b"E1,2026-11-02,crm,C2,,gossip,,,\n"
    )
    with pytest.raises(IngestError) as exc:
        parse_ops_events(data, "events.csv", {"C1"})
    found = {(i.location, i.field) for i in exc.value.issues}
    assert found == {
        ("line 2", "until"),
        ("line 3", "event_id"),
        ("line 3", "customer_id"),
        ("line 3", "type"),
    }


def test_a_crm_file_may_carry_every_event_type_the_ops_store_knows(settings):
    """One list (core.events): the app's call notes and done tasks came in through a CRM
    file were refused, though the ops store keeps them."""
    from actions import ops_store
    from core.events import EVENT_TYPES

    lines = [b"event_id,at,actor,customer_id,type,until,amount"]
    for n, kind in enumerate(EVENT_TYPES, start=1):
        until = b"2026-11-15" if kind == "promise" else b""
        lines.append(b"E%d,2026-11-02,crm,C1,%s,%s," % (n, kind.encode(), until))
    rows = parse_ops_events(b"\n".join(lines) + b"\n", "events.csv", {"C1"})
    assert [r["type"] for r in rows] == list(EVENT_TYPES)
    engine = ops_store.engine_for(settings)
    for kind in EVENT_TYPES:  # the store's check constraint takes each of them
        amount = Decimal("1.00") if kind == "promise" else None
        ops_store.record_event(
            engine,
            ops_store.Event(
                customer_id="C1", type=kind, actor="crm", amount=amount,
                currency="EUR" if amount else None,
                until=date(2026, 11, 15) if kind == "promise" else None,
            ),
        )  # fmt: skip
    assert len(ops_store.all_events(engine)) == len(EVENT_TYPES)


def test_the_warehouse_seed_of_event_statuses_is_the_core_rule():
    """seeds/reference/lookups/event_statuses.csv is written from core.events (fix with
    `python -m core.events > seeds/reference/lookups/event_statuses.csv`)."""
    from core.events import status_seed
    from core.settings import SEEDS_DIR

    seed = SEEDS_DIR / "reference" / "lookups" / "event_statuses.csv"
    assert seed.read_text(encoding="utf-8") == status_seed()

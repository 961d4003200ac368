"""Workspaces with history for the continuity and backup tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import ledger, ops_store
from core.settings import Settings
from orchestration import continuity
from orchestration.loading.files import stage_into_landing
from orchestration.loading.ingest import ingest_source
from orchestration.loading.warehouse import connect

CUSTOMERS = (
    "customer_id,name,customer_type,country,language,currency,email,phone,street,"
    "postal_code,city,vat_id,payment_terms_days,credit_limit,collector,entity\n"
    "C{n},Kunde {n} GmbH,B2B,DE,de,EUR,,,,,,,30,,,FW01\n"
)


def ingest_customer(settings: Settings, tmp_path: Path, n: int) -> None:
    path = tmp_path / f"customers_{n}.csv"
    path.write_text(CUSTOMERS.format(n=n))
    stage_into_landing(settings, [path], "erp")
    with connect(settings) as con:
        ingest_source(settings, con, "erp", run_id="test")


def sent_action(settings: Settings, action_id: str) -> None:
    """One action in the ledger, planned and sent (two log entries)."""
    engine = ops_store.engine_for(settings)
    now = ledger.utcnow()
    with engine.begin() as con:
        con.execute(
            ops_store.dunning_actions.insert().values(
                action_id=action_id, idempotency_key=action_id, key_text=action_id,
                kind="notice", as_of_date=now.date(), customer_id="C1", channel="letter",
                level=1, action="dunning_notice", language="de", currency="EUR",
                state="planned", requires_approval=False, attempts=0, created_at=now,
                updated_at=now,
            )
        )  # fmt: skip
        con.execute(
            ops_store.dunning_action_log.insert().values(
                action_id=action_id, at=now, from_state=None, to_state="planned"
            )
        )
    assert ledger.transition(engine, action_id, "sent", expected=("planned",))


@pytest.fixture()
def workspace(settings: Settings, tmp_path: Path) -> Settings:
    """Two runs' worth of history: files ingested, an action sent, a letter in the outbox,
    an event entered, and the marks recorded at the end of the run."""
    ingest_customer(settings, tmp_path, 1)
    sent_action(settings, "DA-000000000001")
    letter = settings.outbox("letters") / "2026-03-31" / "DA-000000000001.pdf"
    letter.parent.mkdir(parents=True)
    letter.write_bytes(b"%PDF-1.7 letter")
    ops_store.record_event(
        ops_store.engine_for(settings),
        ops_store.Event(customer_id="C1", type="note", actor="anna", text="angerufen"),
    )
    marks = continuity.record_marks(settings)
    assert marks == {
        "runs": 1,
        "warehouse_file_seq": 1,
        "ops_ledger_log_id": 2,
        "ops_events": 1,
    }
    assert continuity.problems(settings) == []
    return settings

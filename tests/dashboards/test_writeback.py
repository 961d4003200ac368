"""Writes go to the ops store with actor and time, and only where the role allows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from actions import ops_store
from core.business_day import business_today
from core.users import User
from dashboards import queries, writeback
from dashboards.writeback import Context, InputError, NotAllowed

ANNA = User("anna", "collector", "Anna Becker")
CREDIT = User("credit", "credit_manager")
TODAY = date(2026, 11, 23)


def _events(settings):
    return ops_store.all_events(writeback.engine(settings))


def test_collector_writes_for_own_customers_only(mini, snap):
    ctx = Context(mini, snap, ANNA)
    writeback.add_note(ctx, "C1", "Rückruf vereinbart")
    writeback.record_promise(ctx, "C1", TODAY + timedelta(days=3), "250.5", "EUR", "D2",
                             today=TODAY)  # fmt: skip
    with pytest.raises(NotAllowed):
        writeback.add_note(ctx, "C2", "not mine")
    with pytest.raises(NotAllowed):
        writeback.add_note(ctx, "C999", "unknown")
    events = _events(mini)
    assert [(e["type"], e["actor"], e["customer_id"]) for e in events] == [
        ("note", "anna", "C1"), ("promise", "anna", "C1"),
    ]  # fmt: skip
    assert events[1]["amount"] == Decimal("250.50") and events[1]["document_id"] == "D2"
    assert events[1]["until"] == TODAY + timedelta(days=3) and events[1]["at"] is not None


@pytest.mark.parametrize("role", ["cfo", "controller"])
def test_read_only_roles_cannot_write(mini, snap, role):
    ctx = Context(mini, snap, User(role, role))
    waiting = queries.dunning_proposals(snap, None, None, True).to_dict("records")
    task = queries.worklist(snap).iloc[0].to_dict()
    with pytest.raises(NotAllowed):
        writeback.add_note(ctx, "C1", "x")
    with pytest.raises(NotAllowed):
        writeback.set_block(ctx, "C1", "x")
    with pytest.raises(NotAllowed):
        writeback.decide_proposals(ctx, waiting, True)
    with pytest.raises(NotAllowed):
        writeback.complete_task(ctx, task, "reached")
    assert _events(mini) == []


def test_inputs_are_validated(mini, snap):
    ctx = Context(mini, snap, CREDIT)
    with pytest.raises(InputError, match="error_text_required"):
        writeback.add_note(ctx, "C1", "   ")
    with pytest.raises(InputError, match="error_promise_date"):
        writeback.record_promise(ctx, "C1", TODAY - timedelta(days=1), 10, "EUR", today=TODAY)
    with pytest.raises(InputError, match="error_amount"):
        writeback.record_promise(ctx, "C1", TODAY, 0, "EUR", today=TODAY)
    assert _events(mini) == []


def test_disputes_blocks_and_tasks(mini, snap):
    ctx = Context(mini, snap, ANNA)
    writeback.open_dispute(ctx, "C3", "Preis", "D4", "Rabatt fehlt")
    writeback.resolve_dispute(ctx, "C3", "Gutschrift", "D4")
    writeback.set_block(ctx, "C1", "Klärung", TODAY + timedelta(days=5))
    writeback.lift_block(ctx, "C1", "geklärt")
    task = queries.worklist(snap, "Anna Becker").iloc[0].to_dict()
    writeback.complete_task(ctx, task, "reached", "zahlt Freitag")
    events = _events(mini)
    assert [e["type"] for e in events] == [
        "dispute_opened", "dispute_resolved", "dunning_block", "dunning_unblock", "task_done",
    ]  # fmt: skip
    assert events[0]["text"] == "Preis: Rabatt fehlt"
    assert events[4]["reference"] == "call_overdue:C1@2026-11-20"
    assert events[4]["text"] == "reached: zahlt Freitag"
    jonas_task = queries.worklist(snap, "Jonas Weber").iloc[0].to_dict()
    with pytest.raises(NotAllowed):
        writeback.complete_task(ctx, jonas_task, "reached")


def test_approvals_reference_the_proposal_and_bulk_is_all_or_nothing(mini, snap):
    waiting = queries.dunning_proposals(snap, None, None, True).to_dict("records")
    ctx = Context(mini, snap, CREDIT)
    with pytest.raises(InputError):
        writeback.decide_proposals(ctx, waiting, False, "")  # a rejection needs a reason
    stopped = queries.dunning_proposals(snap, None, "C3").to_dict("records")
    with pytest.raises(InputError):
        writeback.decide_proposals(ctx, [*waiting, *stopped], True)
    assert _events(mini) == []
    writeback.decide_proposals(ctx, waiting[:1], True)
    writeback.decide_proposals(ctx, waiting[1:], False, "Kunde zahlt in Raten")
    events = _events(mini)
    assert [(e["type"], e["reference"]) for e in events] == [
        ("approval", waiting[0]["dunning_proposal_id"]),
        ("rejection", waiting[1]["dunning_proposal_id"]),
    ]
    assert events[1]["text"] == "Kunde zahlt in Raten" and events[1]["currency"] == "EUR"
    with pytest.raises(NotAllowed):
        writeback.decide_proposals(Context(mini, snap, ANNA), waiting[:1], True)


def test_a_controller_reverses_a_posted_allocation_with_a_reason(mini, snap):
    ctx = Context(mini, snap, User("carla", "controller"))
    with pytest.raises(InputError, match="error_text_required"):
        writeback.reverse_allocation(ctx, "C1", "P-D2", "D2", "  ")
    with pytest.raises(InputError, match="reverse_nothing_held"):
        writeback.reverse_allocation(ctx, "C1", "P-D2", "D1", "not on D1")
    with pytest.raises(NotAllowed):  # D2 is C1's invoice, not C2's
        writeback.reverse_allocation(ctx, "C2", "P-D2", "D2", "wrong customer")
    writeback.reverse_allocation(ctx, "C1", "P-D2", "D2", "paid D1, see the remittance")
    [reversal] = ops_store.all_reversals(writeback.engine(mini))
    assert (reversal["actor"], reversal["payment_id"], reversal["document_id"]) == (
        "carla", "P-D2", "D2",
    )  # fmt: skip
    assert reversal["reason"] == "paid D1, see the remittance"
    assert reversal["posting_date"] == business_today()
    assert reversal["at"] is not None


@pytest.mark.parametrize("user", [ANNA, CREDIT, User("cfo", "cfo")])
def test_only_controllers_and_admins_reverse_allocations(mini, snap, user):
    with pytest.raises(NotAllowed):
        writeback.reverse_allocation(Context(mini, snap, user), "C1", "P-D2", "D2", "why")
    assert ops_store.all_reversals(writeback.engine(mini)) == []

"""The ledger's own rules: the idempotency key, insert-once, compare-and-set states."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from actions import ledger
from actions.ops_store import engine_for


def new_action(documents=("RE-2", "RE-1")) -> ledger.NewAction:
    key = ledger.idempotency_key("C1", "email", 1, date(2025, 11, 20), documents)
    return ledger.NewAction(
        key_text=key,
        kind="notice",
        as_of=date(2025, 11, 20),
        customer_id="C1",
        entity="FW01",
        channel="email",
        level=1,
        procedure="standard_b2b",
        step_number=2,
        action="dunning",
        template="dunning_level_1",
        language="de",
        currency="EUR",
        requires_approval=False,
        approval_reasons=[],
        notice_fee=D("0.00"),
        interest_status="none",
        reason="test",
        payload={},
        items=[
            ledger.NewItem(
                document_id=d,
                proposal_id=f"{d}:standard_b2b:2",
                level=1,
                step_number=2,
                issue_date=None,
                due_date=None,
                days_past_due=10,
                currency="EUR",
                open_amount=D("100.00"),
                interest_amount=None,
                interest_status="none",
                interest_from=None,
                interest_note=None,
                earlier_fees=D("0.00"),
                flat_fee=D("0.00"),
                dunning_fee=D("0.00"),
                books_charges=True,
            )
            for d in documents
        ],
    )


def test_idempotency_key_is_customer_channel_level_date_and_sorted_documents():
    key = ledger.idempotency_key("C1", "email", 1, date(2025, 11, 20), ["RE-2", "RE-1", "RE-2"])
    assert key == "C1|email|1|2025-11-20|RE-1,RE-2"
    action_id, digest = ledger.action_id_for(key)
    assert action_id.startswith("DA-") and len(action_id) == 15 and len(digest) == 64


def test_an_action_is_inserted_once(settings):
    engine = engine_for(settings)
    assert ledger.insert_action(engine, new_action())
    assert not ledger.insert_action(engine, new_action(("RE-1", "RE-2")))
    assert len(ledger.actions(engine)) == 1
    assert [
        i["document_id"]
        for i in ledger.items(engine, [new_action().action_id])[new_action().action_id]
    ] == ["RE-1", "RE-2"]


def test_a_day_of_actions_is_written_in_batches_each_key_once(settings, monkeypatch):
    monkeypatch.setattr(ledger, "INSERT_BATCH", 2)  # five actions: three transactions
    engine = engine_for(settings)
    assert ledger.insert_action(engine, new_action(("RE-9",)))
    day = [new_action((f"RE-{n}",)) for n in (1, 2, 9, 3)] + [new_action(("RE-2",))]
    written = ledger.insert_actions(engine, day)
    # RE-9 was in the ledger already, the second RE-2 repeats a key of the same day
    assert written == [day[0].action_id, day[1].action_id, day[3].action_id]
    assert len(ledger.actions(engine)) == 4
    items = ledger.items(engine, written)
    assert {a: [i["document_id"] for i in its] for a, its in items.items()} == {
        day[0].action_id: ["RE-1"],
        day[1].action_id: ["RE-2"],
        day[3].action_id: ["RE-3"],
    }
    assert [row["to_state"] for row in ledger.action_log(engine, day[3].action_id)] == ["planned"]


def test_state_changes_are_compare_and_set(settings):
    engine = engine_for(settings)
    ledger.insert_action(engine, new_action())
    action_id = new_action().action_id
    assert ledger.begin_delivery(engine, action_id, ("planned",), transport="file")
    assert not ledger.begin_delivery(engine, action_id, ("planned",), transport="file")
    assert not ledger.transition(engine, action_id, "sent", expected=("rendered",))
    assert ledger.transition(engine, action_id, "sent", expected=("delivering",))
    (row,) = ledger.actions(engine)
    assert (row["state"], row["attempts"]) == ("sent", 1)
    assert ledger.ledger_levels(engine) == [
        {"document_id": "RE-1", "dunning_level": 1, "last_dunned_date": date(2025, 11, 20)},
        {"document_id": "RE-2", "dunning_level": 1, "last_dunned_date": date(2025, 11, 20)},
    ]


def test_many_state_changes_at_once_are_compare_and_set_in_chunks(settings, monkeypatch):
    """transition_all moves exactly the actions in an expected state, logs each with its
    own from-state and text, and reads and writes in chunks (two ids per statement here)."""
    monkeypatch.setattr(ledger, "IN_LIST_CHUNK", 2)
    engine = engine_for(settings)
    day = [new_action((f"RE-{n}",)) for n in range(1, 6)]
    ledger.insert_actions(engine, day)
    ids = [a.action_id for a in day]
    assert ledger.transition(engine, ids[1], "awaiting_approval", expected=("planned",))
    assert ledger.begin_delivery(engine, ids[2], ("planned",), transport="file")
    details = {ids[4]: "RE-5 paid", ids[1]: "RE-2 paid", ids[2]: "RE-3 paid", ids[0]: None}
    with engine.begin() as con:
        moved = ledger.transition_all(
            con, details, "cancelled", expected=("planned", "awaiting_approval")
        )
    # in the order given; RE-3 is being delivered and stays, RE-4 was not named
    assert moved == [ids[4], ids[1], ids[0]]
    states = {a["action_id"]: a["state"] for a in ledger.actions(engine)}
    assert [states[i] for i in ids] == [
        "cancelled",
        "cancelled",
        "delivering",
        "planned",
        "cancelled",
    ]
    last = {i: ledger.action_log(engine, i)[-1] for i in ids}
    assert (last[ids[1]]["from_state"], last[ids[1]]["detail"]) == (
        "awaiting_approval",
        "RE-2 paid",
    )
    assert (last[ids[4]]["from_state"], last[ids[4]]["to_state"]) == ("planned", "cancelled")
    assert last[ids[2]]["to_state"] == "delivering"
    # the same again moves nothing
    with engine.begin() as con:
        assert ledger.transition_all(con, details, "cancelled", expected=("planned",)) == []
    # a target state that is also expected: each action moves (and is logged) once
    with engine.begin() as con:
        assert ledger.transition_all(
            con, {ids[3]: "approved by test"}, "approved", expected=("planned", "approved")
        ) == [ids[3]]
    assert [r["to_state"] for r in ledger.action_log(engine, ids[3])] == ["planned", "approved"]
    # items and histories of named documents only, across chunks
    assert sorted(ledger.items(engine, ids[:4])) == sorted(ids[:4])
    histories = ledger.document_histories(engine, ["RE-1", "RE-3", "RE-4", "RE-77"])
    assert sorted(histories) == ["RE-1", "RE-3", "RE-4"]
    assert (histories["RE-3"].pending, histories["RE-4"].pending) == (True, True)
    assert histories["RE-1"].level is None and histories["RE-1"].last_contact is None

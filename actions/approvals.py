"""Approval (Freigabe) of dunning actions: by the app (ops events ``approval`` /
``rejection`` whose ``reference`` is a proposal id or an action id) or by
``forderwerk approve`` / ``forderwerk reject`` (the functions here, which record the same
events, so the ops store holds every decision whoever made it). Deliveries that failed
or may have reached the provider (uncertain) are resolved here too, by a person:
``resend`` or ``mark_sent``.

An event referencing an action id decides that action. An event referencing a proposal id
(``dunning_proposal_id`` of ``marts.fct_dunning_proposals``, stable while the step stays
due) decides every action awaiting approval that carries the proposal: an approval once
approvals cover all its proposals, a rejection at once. Proposal events count only when
recorded after the last decision on an earlier action with the same proposal and at most
``LOOKBACK_DAYS`` before the action's as-of date, so an old rejection does not reject the
step forever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from actions import ledger
from actions.ops_store import (
    Event,
    dunning_action_items,
    dunning_actions,
    engine_for,
    events_where,
    record_event,
)
from core.settings import Settings

LOOKBACK_DAYS = 7

#: deliveries that wait for a person: resend them (``resend``) or record that they went
#: out after all (``mark_sent``)
UNRESOLVED_DELIVERY_STATES = ("failed", "uncertain")


@dataclass(frozen=True)
class Decision:
    action_id: str
    state: str | None  # the state after the call; None when nothing changed
    message: str


def apply_decisions(engine: sa.Engine) -> list[Decision]:
    """Decide every action awaiting approval that an approval or rejection event covers."""
    waiting = ledger.actions(engine, states=("awaiting_approval",))
    if not waiting:
        return []
    events = events_where(engine, types=["approval", "rejection"], since=_events_since(waiting))
    items = ledger.items(engine, [a["action_id"] for a in waiting])
    decided_before = _last_decisions(engine)
    out = []
    for action in waiting:
        proposals = {i["proposal_id"] for i in items[action["action_id"]] if i["proposal_id"]}
        decision = _decide(action, proposals, events, decided_before)
        if decision is None:
            continue
        event, state = decision
        if ledger.transition(
            engine,
            action["action_id"],
            state,
            expected=("awaiting_approval",),
            actor=event["actor"],
            detail=f"ops event {event['event_id']}: {event.get('text') or ''}".strip(),
            decided_by=event["actor"],
            decided_at=event["at"],
            decision_text=event.get("text"),
        ):
            out.append(Decision(action["action_id"], state, f"{state} by {event['actor']}"))
    return out


def _decide(
    action: dict, proposals: set[str], events: list[dict], decided_before: dict[str, datetime]
) -> tuple[dict, str] | None:
    direct = [e for e in events if e.get("reference") == action["action_id"]]
    if direct:
        event = max(direct, key=lambda e: e["at"])
        return event, "approved" if event["type"] == "approval" else "rejected"
    earliest = datetime.combine(
        action["as_of_date"] - timedelta(days=LOOKBACK_DAYS), datetime.min.time()
    )

    def counts(e: dict) -> bool:
        ref = e.get("reference")
        if ref not in proposals or e["at"] < earliest:
            return False
        return ref not in decided_before or e["at"] > decided_before[ref]

    relevant = [e for e in events if counts(e)]
    rejections = [e for e in relevant if e["type"] == "rejection"]
    if rejections:
        return max(rejections, key=lambda e: e["at"]), "rejected"
    approved = {e["reference"] for e in relevant if e["type"] == "approval"}
    if proposals and approved >= proposals:
        return max((e for e in relevant if e["type"] == "approval"), key=lambda e: e["at"]), (
            "approved"
        )
    return None


def _events_since(waiting: list[dict]) -> datetime:
    """The oldest event that can decide one of ``waiting``: one naming the action comes
    after the action was written; one naming a proposal counts from LOOKBACK_DAYS before
    the action's date (_decide). Older events are not read (they grow with the years)."""
    return min(
        min(a["created_at"] for a in waiting),
        datetime.combine(
            min(a["as_of_date"] for a in waiting) - timedelta(days=LOOKBACK_DAYS),
            datetime.min.time(),
        ),
    )


def _last_decisions(engine: sa.Engine) -> dict[str, datetime]:
    """Per proposal id of an action awaiting approval, when an action carrying it was last
    decided (in SQL, over the proposals waiting only: not every action of past years)."""
    items, actions = dunning_action_items, dunning_actions
    waiting = (
        sa.select(items.c.proposal_id)
        .join(actions, actions.c.action_id == items.c.action_id)
        .where(actions.c.state == "awaiting_approval", items.c.proposal_id.is_not(None))
    )
    query = (
        sa.select(items.c.proposal_id, sa.func.max(actions.c.decided_at).label("decided_at"))
        .join(actions, actions.c.action_id == items.c.action_id)
        .where(actions.c.decided_at.is_not(None), items.c.proposal_id.in_(waiting))
        .group_by(items.c.proposal_id)
    )
    with engine.connect() as con:
        return {row.proposal_id: row.decided_at for row in con.execute(query)}


def approve(
    settings: Settings, action_ids: list[str], actor: str, *, engine: sa.Engine | None = None
) -> list[Decision]:
    """Approve actions awaiting approval; a failed or uncertain delivery is released for
    another attempt (rendered again). Delivery follows in the next dunning run."""
    engine = engine or engine_for(settings)
    out = []
    for action_id in action_ids:
        action = _one(engine, action_id)
        if action is None:
            out.append(Decision(action_id, None, "no such action"))
            continue
        state = action["state"]
        if state == "awaiting_approval":
            _record(engine, action, "approval", actor, None)
            out.extend(d for d in apply_decisions(engine) if d.action_id == action_id)
        elif state in UNRESOLVED_DELIVERY_STATES:
            out.append(_release(engine, action, actor))
        else:
            out.append(Decision(action_id, None, f"not awaiting approval (state {state})"))
    return out


def _release(engine: sa.Engine, action: dict, actor: str) -> Decision:
    state, action_id = action["state"], action["action_id"]
    _record(engine, action, "approval", actor, f"release {state} delivery again")
    ok = ledger.transition(
        engine,
        action_id,
        "approved",
        expected=(state,),
        actor=actor,
        detail=f"released again after {state}: rendered and delivered anew",
        next_attempt_at=None,
        attempts=0,
    )
    return Decision(action_id, "approved" if ok else None, f"released from {state}")


def resend(
    settings: Settings, action_ids: list[str], actor: str, *, engine: sa.Engine | None = None
) -> list[Decision]:
    """Release failed or uncertain deliveries: the next run renders and delivers them anew.
    For an uncertain e-mail the person has checked that the provider did not send it."""
    engine = engine or engine_for(settings)
    return _each_unresolved(engine, action_ids, lambda action: _release(engine, action, actor))


def mark_sent(
    settings: Settings,
    action_ids: list[str],
    actor: str,
    reason: str,
    *,
    engine: sa.Engine | None = None,
) -> list[Decision]:
    """Record that failed or uncertain deliveries reached the customer after all (the
    provider's activity feed shows the e-mail, or it went out by other means): they count
    as sent from now on, for levels and fees alike, and are never delivered again."""
    if not reason or not reason.strip():
        raise ValueError("marking a delivery as sent needs a reason (what shows it went out)")
    engine = engine or engine_for(settings)

    def mark(action: dict) -> Decision:
        state, action_id = action["state"], action["action_id"]
        _record(engine, action, "note", actor, f"delivery marked sent after {state}: {reason}")
        ok = ledger.transition(
            engine,
            action_id,
            "sent",
            expected=(state,),
            actor=actor,
            detail=f"marked sent by {actor} after {state}: {reason}",
            delivered_at=ledger.utcnow(),
            next_attempt_at=None,
        )
        return Decision(action_id, "sent" if ok else None, f"marked sent ({reason})")

    return _each_unresolved(engine, action_ids, mark)


def _each_unresolved(
    engine: sa.Engine, action_ids: list[str], decide: Callable[[dict], Decision]
) -> list[Decision]:
    """``decide`` each action that is failed or uncertain; say why for any other."""
    out = []
    for action_id in action_ids:
        action = _one(engine, action_id)
        if action is None:
            out.append(Decision(action_id, None, "no such action"))
        elif action["state"] not in UNRESOLVED_DELIVERY_STATES:
            out.append(Decision(action_id, None, f"not failed or uncertain ({action['state']})"))
        else:
            out.append(decide(action))
    return out


def reject(
    settings: Settings,
    action_ids: list[str],
    actor: str,
    reason: str,
    *,
    engine: sa.Engine | None = None,
) -> list[Decision]:
    """Reject actions that have not gone out (awaiting approval, approved, rendered, failed
    or uncertain). The documents wait the step's minimum days before they come up again."""
    if not reason or not reason.strip():
        raise ValueError("a rejection needs a reason")
    engine = engine or engine_for(settings)
    out = []
    allowed = ("awaiting_approval", "approved", "rendered", "failed", "uncertain")
    for action_id in action_ids:
        action = _one(engine, action_id)
        if action is None:
            out.append(Decision(action_id, None, "no such action"))
            continue
        if action["state"] not in allowed:
            out.append(Decision(action_id, None, f"cannot reject in state {action['state']}"))
            continue
        _record(engine, action, "rejection", actor, reason)
        ok = ledger.transition(
            engine,
            action_id,
            "rejected",
            expected=allowed,
            actor=actor,
            detail=reason,
            decided_by=actor,
            decided_at=ledger.utcnow(),
            decision_text=reason,
        )
        out.append(Decision(action_id, "rejected" if ok else None, reason))
    return out


def _one(engine: sa.Engine, action_id: str) -> dict | None:
    found = ledger.actions(engine, action_ids=[action_id])
    return found[0] if found else None


def _record(engine: sa.Engine, action: dict, kind: str, actor: str, text: str | None) -> None:
    record_event(
        engine,
        Event(
            customer_id=action["customer_id"],
            type=kind,
            actor=actor,
            text=text,
            reference=action["action_id"],
        ),
    )


def expire_approvals(engine: sa.Engine, as_of: date, days: int) -> list[str]:
    """Cancel actions that waited longer than ``days`` for approval: their figures are
    stale; the documents are planned afresh."""
    out = []
    for action in ledger.actions(engine, states=("awaiting_approval",)):
        if (as_of - action["as_of_date"]).days > days and ledger.transition(
            engine,
            action["action_id"],
            "cancelled",
            expected=("awaiting_approval",),
            detail=f"no decision within {days} days",
        ):
            out.append(action["action_id"])
    return out

"""The action ledger: every dunning action, written before it is delivered.

An action is one delivery (an e-mail, a letter, a collector task, an agency handover) of
one notice to one customer. Its idempotency key is (customer, channel, level, as-of date,
sorted document ids), so planning the same day twice inserts nothing new. States::

    planned -> [awaiting_approval -> approved | rejected] -> rendered -> delivering
            -> sent | failed (retried later) | uncertain (a crash while handing it to
               SendGrid: never resent automatically)
    any state before delivering -> cancelled (a stop applies now, or the approval expired)

Every change is a compare-and-set on the expected state (two runs at once cannot both
deliver) and is logged in ``dunning_action_log``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from actions.ops_store import (
    dunning_action_items,
    dunning_action_log,
    dunning_actions,
    dunning_renders,
)

#: States in which an action still stands for its documents and level.
LIVE_STATES = (
    "planned",
    "awaiting_approval",
    "approved",
    "rendered",
    "delivering",
    "sent",
    "failed",
    "uncertain",
)
#: States before delivery began: a stop that applies now still cancels them.
PENDING_STATES = ("planned", "awaiting_approval", "approved", "rendered")
#: States a run may cancel in (a failed delivery waits for its retry).
CANCELLABLE_STATES = (*PENDING_STATES, "failed")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def idempotency_key(
    customer_id: str, channel: str, level: int | str, as_of: date | str, document_ids: Iterable[str]
) -> str:
    return "|".join(
        (customer_id, channel, str(level), str(as_of), ",".join(sorted(set(document_ids))))
    )


def action_id_for(key_text: str) -> tuple[str, str]:
    """(action_id, key hash): the id is short enough to type (``forderwerk approve``)."""
    digest = hashlib.sha256(key_text.encode("utf-8")).hexdigest()
    return f"DA-{digest[:12].upper()}", digest


@dataclass
class NewItem:
    document_id: str
    proposal_id: str | None
    level: int
    step_number: int | None
    issue_date: date | None
    due_date: date | None
    days_past_due: int | None
    currency: str
    open_amount: Decimal
    interest_amount: Decimal | None
    interest_status: str  # known | unknown | none
    interest_from: date | None
    interest_note: str | None
    earlier_fees: Decimal
    flat_fee: Decimal
    dunning_fee: Decimal
    books_charges: bool

    @property
    def fees(self) -> Decimal:
        return self.earlier_fees + self.flat_fee

    @property
    def total(self) -> Decimal:
        return self.open_amount + (self.interest_amount or 0) + self.fees


@dataclass
class NewAction:
    key_text: str
    kind: str  # notice | task | agency
    as_of: date
    customer_id: str
    entity: str | None
    channel: str
    level: int
    procedure: str | None
    step_number: int | None
    action: str
    template: str | None
    language: str
    currency: str
    requires_approval: bool
    approval_reasons: list[str]
    notice_fee: Decimal
    interest_status: str
    reason: str
    payload: dict
    items: list[NewItem] = field(default_factory=list)

    @property
    def ids(self) -> tuple[str, str]:
        return action_id_for(self.key_text)

    @property
    def action_id(self) -> str:
        return self.ids[0]

    @property
    def total_amount(self) -> Decimal:
        return sum((i.total for i in self.items), Decimal("0.00")) + self.notice_fee


def insert_action(engine: sa.Engine, action: NewAction) -> bool:
    """Write an action and its items as ``planned``; False if its key is already there."""
    return bool(insert_actions(engine, [action]))


#: actions written per transaction: a day at 1 M invoices plans about 9 400 of them, and one
#: commit each (3 ms on this machine's disk) was most of the dunning run's set-up
INSERT_BATCH = 500


def insert_actions(engine: sa.Engine, actions: Sequence[NewAction]) -> list[str]:
    """Write actions and their items as ``planned``, a batch per transaction; returns the
    ids written, in order. An action whose key is already in the ledger (or earlier in
    ``actions``) is skipped, as is, one by one, any key another run wrote a moment ago."""
    written: list[str] = []
    for start in range(0, len(actions), INSERT_BATCH):
        batch = actions[start : start + INSERT_BATCH]
        try:
            written += _insert_batch(engine, batch)
        except sa.exc.IntegrityError:  # a concurrent run won a key: settle each on its own
            for action in batch:
                try:
                    written += _insert_batch(engine, [action])
                except sa.exc.IntegrityError:
                    continue
    return written


def _insert_batch(engine: sa.Engine, actions: Sequence[NewAction]) -> list[str]:
    now = utcnow()
    keyed = [(action, *action.ids) for action in actions]  # (action, action_id, digest)
    with engine.begin() as con:
        taken = set(
            con.execute(
                sa.select(dunning_actions.c.idempotency_key).where(
                    dunning_actions.c.idempotency_key.in_([digest for *_, digest in keyed])
                )
            ).scalars()
        )
        new: list[tuple[NewAction, str, str]] = []
        for action, action_id, digest in keyed:
            if digest not in taken:
                taken.add(digest)
                new.append((action, action_id, digest))
        if not new:
            return []
        con.execute(dunning_actions.insert(), [_action_row(*n, now) for n in new])
        items = [{"action_id": i, **vars(item)} for a, i, _ in new for item in a.items]
        if items:
            con.execute(dunning_action_items.insert(), items)
        con.execute(
            dunning_action_log.insert(),
            [
                {
                    "action_id": action_id,
                    "at": now,
                    "from_state": None,
                    "to_state": "planned",
                    "actor": None,
                    "detail": action.reason,
                }
                for action, action_id, _ in new
            ],
        )
    return [action_id for _, action_id, _ in new]


def _action_row(action: NewAction, action_id: str, digest: str, now: datetime) -> dict:
    return {
        "action_id": action_id,
        "idempotency_key": digest,
        "key_text": action.key_text,
        "kind": action.kind,
        "as_of_date": action.as_of,
        "customer_id": action.customer_id,
        "entity": action.entity,
        "channel": action.channel,
        "level": action.level,
        "procedure": action.procedure,
        "step_number": action.step_number,
        "action": action.action,
        "template": action.template,
        "language": action.language,
        "currency": action.currency,
        "state": "planned",
        "requires_approval": action.requires_approval,
        "approval_reasons": "; ".join(action.approval_reasons) or None,
        "notice_fee": action.notice_fee,
        "total_amount": action.total_amount,
        "interest_status": action.interest_status,
        "reason": action.reason,
        "payload": json.dumps(action.payload, default=str, sort_keys=True),
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def transition(
    engine: sa.Engine, action_id: str, to_state: str, *, expected: Sequence[str], **fields: object
) -> bool:
    """Move an action to ``to_state`` if it is in one of ``expected`` (compare-and-set), in
    its own transaction; ``fields`` as for :func:`transition_in`."""
    with engine.begin() as con:
        return transition_in(con, action_id, to_state, expected=expected, **fields)


def transition_in(
    con: sa.Connection,
    action_id: str,
    to_state: str,
    *,
    expected: Sequence[str],
    actor: str | None = None,
    detail: str | None = None,
    **values: object,
) -> bool:
    """:func:`transition` inside the caller's transaction, for steps that change many
    actions at once and may repeat after a crash (routing, rendering): one commit, not
    one per action."""
    now = utcnow()
    current = con.execute(
        sa.select(dunning_actions.c.state).where(dunning_actions.c.action_id == action_id)
    ).scalar()
    if current not in expected:
        return False
    result = con.execute(
        dunning_actions.update()
        .where(dunning_actions.c.action_id == action_id)
        .where(dunning_actions.c.state == current)
        .values(state=to_state, updated_at=now, **values)
    )
    if result.rowcount != 1:
        return False
    con.execute(
        dunning_action_log.insert().values(
            action_id=action_id,
            at=now,
            from_state=current,
            to_state=to_state,
            actor=actor,
            detail=detail,
        )
    )
    return True


def transition_all(
    con: sa.Connection,
    details: Mapping[str, str | None],
    to_state: str,
    *,
    expected: Sequence[str],
) -> list[str]:
    """:func:`transition_in` for many actions in the caller's transaction, ``details``
    giving each action's log text: the actions in one of ``expected`` move, the others
    stay. Per expected state and chunk one compare-and-set UPDATE ... RETURNING names
    exactly the actions that moved (a statement per action cost a millisecond each: a
    second for a day's thousand cancellations at 1 M invoices)."""
    now = utcnow()
    moved: list[tuple[str, str]] = []
    for from_state in expected:
        # an action moves once, even when ``to_state`` is one of ``expected``
        ids = sorted(set(details) - {action_id for action_id, _ in moved})
        for start in range(0, len(ids), IN_LIST_CHUNK):
            result = con.execute(
                dunning_actions.update()
                .where(dunning_actions.c.action_id.in_(ids[start : start + IN_LIST_CHUNK]))
                .where(dunning_actions.c.state == from_state)
                .values(state=to_state, updated_at=now)
                .returning(dunning_actions.c.action_id)
            )
            moved += [(action_id, from_state) for (action_id,) in result]
    if moved:
        con.execute(
            dunning_action_log.insert(),
            [
                {
                    "action_id": action_id,
                    "at": now,
                    "from_state": from_state,
                    "to_state": to_state,
                    "actor": None,
                    "detail": details[action_id],
                }
                for action_id, from_state in moved
            ],
        )
    moved_ids = {action_id for action_id, _ in moved}
    return [action_id for action_id in details if action_id in moved_ids]


def begin_delivery(
    engine: sa.Engine, action_id: str, expected: Sequence[str], transport: str
) -> bool:
    """Mark the action as being delivered (committed before the first byte goes out), with
    the transport in ``artifact`` so a crash recovery knows what was under way."""
    with engine.begin() as con:
        attempts = con.execute(
            sa.select(dunning_actions.c.attempts).where(dunning_actions.c.action_id == action_id)
        ).scalar()
    return transition(
        engine,
        action_id,
        "delivering",
        expected=expected,
        delivery_started_at=utcnow(),
        attempts=(attempts or 0) + 1,
        artifact=transport,
    )


def actions(
    engine: sa.Engine,
    *,
    states: Sequence[str] | None = None,
    action_ids: Sequence[str] | None = None,
    as_of: date | None = None,
) -> list[dict]:
    query = sa.select(dunning_actions).order_by(
        dunning_actions.c.as_of_date, dunning_actions.c.customer_id, dunning_actions.c.action_id
    )
    if states is not None:
        query = query.where(dunning_actions.c.state.in_(states))
    if action_ids is not None:
        query = query.where(dunning_actions.c.action_id.in_(action_ids))
    if as_of is not None:
        query = query.where(dunning_actions.c.as_of_date == as_of)
    with engine.connect() as con:
        rows = [dict(r._mapping) for r in con.execute(query)]
    for row in rows:
        row["payload"] = json.loads(row["payload"] or "{}")
    return rows


def needs_attention(engine: sa.Engine) -> list[dict]:
    """Every delivery a person has to look at: uncertain ones (resend or mark sent) and
    failed ones (retried by later runs while ``next_attempt_at`` is set, else given up)."""
    return [
        {
            "action_id": a["action_id"],
            "state": a["state"],
            "as_of_date": a["as_of_date"].isoformat(),
            "customer_id": a["customer_id"],
            "channel": a["channel"],
            "level": a["level"],
            "retry_at": a["next_attempt_at"].isoformat(timespec="minutes")
            if a["next_attempt_at"]
            else None,
            "error": a["last_error"] or "",
        }
        for a in actions(engine, states=("uncertain", "failed"))
    ]


def items(engine: sa.Engine, action_ids: Sequence[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    if not action_ids:
        return out
    query = sa.select(dunning_action_items)
    with engine.connect() as con:
        rows = _rows_in(con, query, dunning_action_items.c.action_id, action_ids)
    # by due date (none first, as SQLite sorts), then document: the order of a notice
    for row in sorted(rows, key=lambda r: (r.due_date or date.min, r.document_id)):
        out[row.action_id].append(dict(row._mapping))
    return out


def action_log(engine: sa.Engine, action_id: str) -> list[dict]:
    query = (
        sa.select(dunning_action_log)
        .where(dunning_action_log.c.action_id == action_id)
        .order_by(dunning_action_log.c.log_id)
    )
    with engine.connect() as con:
        return [dict(r._mapping) for r in con.execute(query)]


def save_render(
    con: sa.Connection,
    action_id: str,
    *,
    subject: str | None,
    text_body: str | None,
    html_body: str | None,
    pdf: bytes | None,
) -> None:
    """Store what will be delivered (replacing an earlier render of the same action), in
    the caller's transaction: the render and the move to ``rendered`` commit together."""
    con.execute(dunning_renders.delete().where(dunning_renders.c.action_id == action_id))
    con.execute(
        dunning_renders.insert().values(
            action_id=action_id,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
            pdf=pdf,
            rendered_at=utcnow(),
        )
    )


def render_of(engine: sa.Engine, action_id: str) -> dict | None:
    with engine.connect() as con:
        row = con.execute(
            sa.select(dunning_renders).where(dunning_renders.c.action_id == action_id)
        ).first()
    return dict(row._mapping) if row else None


@dataclass
class DocumentHistory:
    """What the ledger knows of one document, for planning its next step."""

    level: int | None = None  # highest level of a live action (None: never)
    last_contact: date | None = None  # latest action date, rejected ones included
    flat_fee_booked: bool = False
    fees_booked: Decimal = Decimal("0.00")  # flat fee + dunning fees of live actions
    handed_over: bool = False  # an agency handover is live
    pending: bool = False  # a live action is not sent yet (one step at a time)
    last_rejected: date | None = None  # as-of date of the latest rejected action


#: ids per ``IN (...)`` list: well below SQLite's limit of bound parameters (32 766)
IN_LIST_CHUNK = 5000


def document_histories(
    engine: sa.Engine, documents: Iterable[str] | None = None
) -> dict[str, DocumentHistory]:
    """The histories of ``documents`` (every document when None). A run passes the day's
    documents: reading every action item of past years would grow with the ledger."""
    query = sa.select(
        dunning_action_items.c.document_id,
        dunning_action_items.c.level,
        dunning_action_items.c.flat_fee,
        dunning_action_items.c.dunning_fee,
        dunning_action_items.c.books_charges,
        dunning_actions.c.state,
        dunning_actions.c.kind,
        dunning_actions.c.as_of_date,
        dunning_actions.c.action,
    ).join(dunning_actions, dunning_actions.c.action_id == dunning_action_items.c.action_id)
    with engine.connect() as con:
        if documents is None:
            rows = list(con.execute(query))
        else:
            rows = _rows_in(con, query, dunning_action_items.c.document_id, documents)
    return _histories(rows)


def _rows_in(
    con: sa.Connection, query: sa.Select, column: sa.Column, values: Iterable[str]
) -> list[sa.Row]:
    """The rows of ``query`` where ``column`` is one of ``values``, in chunks of
    ``IN_LIST_CHUNK`` (a run's tens of thousands of ids exceed one statement's limit)."""
    wanted = sorted(set(values))
    return [
        row
        for start in range(0, len(wanted), IN_LIST_CHUNK)
        for row in con.execute(query.where(column.in_(wanted[start : start + IN_LIST_CHUNK])))
    ]


def _histories(rows: Iterable[sa.Row]) -> dict[str, DocumentHistory]:
    out: dict[str, DocumentHistory] = defaultdict(DocumentHistory)
    for row in rows:
        h = out[row.document_id]
        if row.state != "cancelled":
            h.last_contact = max(filter(None, (h.last_contact, row.as_of_date)))
        if row.state == "rejected":
            h.last_rejected = max(filter(None, (h.last_rejected, row.as_of_date)))
        if row.state not in LIVE_STATES or row.action == "broken_promise":
            continue
        h.level = row.level if h.level is None else max(h.level, row.level)
        if row.books_charges:
            h.fees_booked += row.flat_fee + row.dunning_fee
            h.flat_fee_booked = h.flat_fee_booked or row.flat_fee > 0
        h.handed_over = h.handed_over or row.kind == "agency"
        h.pending = h.pending or row.state != "sent"
    return dict(out)


def last_log_id(engine: sa.Engine) -> int:
    """The newest entry of the action log (0 when empty): a mark of what has been sent."""
    with engine.connect() as con:
        return int(con.execute(sa.select(sa.func.max(dunning_action_log.c.log_id))).scalar() or 0)


def level_history(engine: sa.Engine, sent_up_to: int | None = None) -> list[dict]:
    """The dunning level each document reached on each day something was sent, for the
    warehouse (``int_dunning_levels``): document_id, dunning_level, last_dunned_date (the
    day). ``sent_up_to``: only actions whose sending was logged by that log entry, so a
    replay of a past day copies exactly what that day's run copied."""
    sent = (
        sa.select(
            dunning_action_log.c.action_id,
            sa.func.min(dunning_action_log.c.log_id).label("sent_log_id"),
        )
        .where(dunning_action_log.c.to_state == "sent")
        .group_by(dunning_action_log.c.action_id)
        .subquery()
    )
    query = (
        sa.select(
            dunning_action_items.c.document_id,
            sa.func.max(dunning_action_items.c.level).label("dunning_level"),
            dunning_actions.c.as_of_date.label("last_dunned_date"),
        )
        .join(dunning_actions, dunning_actions.c.action_id == dunning_action_items.c.action_id)
        .join(sent, sent.c.action_id == dunning_actions.c.action_id)
        .where(dunning_actions.c.state == "sent")
        .where(dunning_actions.c.action != "broken_promise")
        .group_by(dunning_action_items.c.document_id, dunning_actions.c.as_of_date)
        .order_by(dunning_action_items.c.document_id, dunning_actions.c.as_of_date)
    )
    if sent_up_to is not None:
        query = query.where(sent.c.sent_log_id <= sent_up_to)
    with engine.connect() as con:
        return [dict(r._mapping) for r in con.execute(query)]


def ledger_levels(engine: sa.Engine) -> list[dict]:
    """The dunning level each document has reached by what was actually sent and the day
    of its last notice (a sent friendly reminder is level 0 with its date): the latest of
    ``level_history``, as ``int_dunning_levels`` takes it on the latest day."""
    latest: dict[str, dict] = {}
    for row in level_history(engine):
        known = latest.setdefault(row["document_id"], dict(row))
        known["dunning_level"] = max(known["dunning_level"], row["dunning_level"])
        known["last_dunned_date"] = max(known["last_dunned_date"], row["last_dunned_date"])
    return [latest[d] for d in sorted(latest)]

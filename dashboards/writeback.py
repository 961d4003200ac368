"""Everything a user enters, written to the ops store after a permission check.

The check runs here, on the server, for every write: the role must allow the input and a
collector may only write about customers whose collector is theirs (looked up in the
snapshot, not taken from the page). The ops store records actor and time; the next
pipeline run copies the events into the warehouse. Writes never touch the warehouse, so
nothing entered is lost while a run is in progress.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd
import sqlalchemy as sa

from actions import approvals, ops_store, reversals
from core.settings import Settings
from core.users import User
from dashboards import queries, roles
from dashboards.snapshot import Snapshot

_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


class NotAllowed(PermissionError):
    """The user's role or collector does not allow this input."""


class InputError(ValueError):
    """The input is incomplete or invalid; ``key`` names the message in the catalogs."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def engine(settings: Settings) -> sa.Engine:
    """One engine per ops store for the server process (created with its tables)."""
    path = str(settings.ops_store_path)
    with _ENGINES_LOCK:
        if path not in _ENGINES:
            settings.ops_store_path.parent.mkdir(parents=True, exist_ok=True)
            _ENGINES[path] = ops_store.engine_for(settings)
        return _ENGINES[path]


@dataclass(frozen=True)
class Context:
    """Who writes, where: the settings (ops store), the snapshot (permissions) and the user."""

    settings: Settings
    snapshot: Snapshot
    user: User


def _authorise(ctx: Context, action: str, customer_id: str) -> None:
    if not roles.can(ctx.user, action):
        raise NotAllowed(f"role {ctx.user.role} may not {action}")
    exists, collector = queries.customer_collector(ctx.snapshot, customer_id)
    if not exists:
        raise NotAllowed(f"unknown customer {customer_id}")
    limit = roles.scope(ctx.user)
    if limit is not None and collector != limit:
        raise NotAllowed(f"customer {customer_id} belongs to another collector")


def _record(ctx: Context, action: str, **fields: object) -> str:
    _authorise(ctx, action, str(fields["customer_id"]))
    event = ops_store.Event(actor=ctx.user.name, **fields)
    return ops_store.record_event(engine(ctx.settings), event)


def _text(text: str | None, required: bool = False) -> str | None:
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise InputError("input.error_text_required")
    return cleaned or None


def _amount(value: object) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InputError("input.error_amount") from None
    if amount <= 0:
        raise InputError("input.error_amount")
    return amount


def add_note(ctx: Context, customer_id: str, text: str, document_id: str | None = None) -> str:
    return _record(
        ctx,
        "customer_input",
        customer_id=customer_id,
        document_id=document_id or None,
        type="note",
        text=_text(text, required=True),
    )


def log_call(ctx: Context, customer_id: str, text: str, document_id: str | None = None) -> str:
    return _record(
        ctx,
        "customer_input",
        customer_id=customer_id,
        document_id=document_id or None,
        type="call",
        text=_text(text, required=True),
    )


def record_promise(
    ctx: Context,
    customer_id: str,
    until: date,
    amount: object,
    currency: str,
    document_id: str | None = None,
    text: str | None = None,
    today: date | None = None,
) -> str:
    if until is None or until < (today or date.today()):
        raise InputError("input.error_promise_date")
    return _record(
        ctx,
        "customer_input",
        customer_id=customer_id,
        document_id=document_id or None,
        type="promise",
        until=until,
        amount=_amount(amount),
        currency=currency,
        text=_text(text),
    )


def open_dispute(
    ctx: Context,
    customer_id: str,
    reason: str,
    document_id: str | None = None,
    comment: str | None = None,
    amount: object = None,
    currency: str | None = None,
) -> str:
    reason = _text(reason, required=True)
    comment = _text(comment)
    return _record(
        ctx,
        "customer_input",
        customer_id=customer_id,
        document_id=document_id or None,
        type="dispute_opened",
        text=f"{reason}: {comment}" if comment else reason,
        amount=_amount(amount) if amount not in (None, "", 0) else None,
        currency=currency if amount not in (None, "", 0) else None,
    )


def resolve_dispute(
    ctx: Context, customer_id: str, outcome: str, document_id: str | None = None
) -> str:
    return _record(
        ctx,
        "customer_input",
        customer_id=customer_id,
        document_id=document_id or None,
        type="dispute_resolved",
        text=_text(outcome, required=True),
    )


def set_block(
    ctx: Context,
    customer_id: str,
    reason: str,
    until: date | None = None,
    document_id: str | None = None,
) -> str:
    return _record(
        ctx,
        "customer_input",
        customer_id=customer_id,
        document_id=document_id or None,
        type="dunning_block",
        until=until,
        text=_text(reason, required=True),
    )


def lift_block(ctx: Context, customer_id: str, reason: str, document_id: str | None = None) -> str:
    return _record(
        ctx,
        "customer_input",
        customer_id=customer_id,
        document_id=document_id or None,
        type="dunning_unblock",
        text=_text(reason, required=True),
    )


def complete_task(ctx: Context, task: Mapping[str, object], outcome: str, text: str = "") -> str:
    """Mark a worklist task done; reference = the task id and its as-of date."""
    comment = _text(text)
    return _record(
        ctx,
        "complete_task",
        customer_id=str(task["customer_id"]),
        document_id=_optional(task.get("document_id")),
        type="task_done",
        text=f"{outcome}: {comment}" if comment else outcome,
        reference=task_reference(task),
    )


def task_reference(task: Mapping[str, object]) -> str:
    as_of = pd.Timestamp(task["as_of_date"]).date().isoformat()
    return f"{task['worklist_task_id']}@{as_of}"


def decide_proposals(
    ctx: Context, proposals: Iterable[Mapping[str, object]], approve: bool, reason: str = ""
) -> list[str]:
    """Approve or reject proposals waiting for approval: one event per proposal,
    reference = the proposal id. A rejection needs a reason. Every proposal is checked
    before the first is written, so a bulk decision is written whole or not at all."""
    reason_text = _text(reason, required=not approve)
    proposals = list(proposals)
    for proposal in proposals:
        if not bool(proposal.get("requires_approval")):
            raise InputError("approvals.error_not_waiting")
        _authorise(ctx, "approve_dunning", str(proposal["customer_id"]))
    return [
        _record(
            ctx,
            "approve_dunning",
            customer_id=str(proposal["customer_id"]),
            document_id=_optional(proposal.get("document_id")),
            type="approval" if approve else "rejection",
            amount=Decimal(str(proposal["amount_due"])).quantize(Decimal("0.01")),
            currency=str(proposal["currency"]),
            text=reason_text,
            reference=str(proposal["dunning_proposal_id"]),
        )
        for proposal in proposals
    ]


def resolve_deliveries(
    ctx: Context, deliveries: Iterable[Mapping[str, object]], resend: bool, reason: str = ""
) -> list[str]:
    """Resolve failed or uncertain deliveries (``ledger.needs_attention`` rows): release
    them to be delivered anew by the next run, or record that they went out (which needs a
    reason). Every delivery is checked before the first is changed."""
    reason_text = _text(reason, required=not resend)
    deliveries = list(deliveries)
    for delivery in deliveries:
        _authorise(ctx, "approve_dunning", str(delivery["customer_id"]))
    ids = [str(d["action_id"]) for d in deliveries]
    store = engine(ctx.settings)
    if resend:
        decisions = approvals.resend(ctx.settings, ids, ctx.user.name, engine=store)
    else:
        decisions = approvals.mark_sent(
            ctx.settings, ids, ctx.user.name, reason_text or "", engine=store
        )
    if any(d.state is None for d in decisions):
        raise InputError("deliveries.error_changed")
    return ids


def reverse_allocation(
    ctx: Context, customer_id: str, payment_id: str, document_id: str, reason: str
) -> str:
    """Ask for the reversal of what a payment holds on one of the customer's invoices."""
    _authorise(ctx, "reverse_allocation", customer_id)
    why = _text(reason, required=True)
    try:
        held = reversals.holding(ctx.settings, payment_id, document_id)
        if held is not None and held.customer_id != customer_id:
            raise NotAllowed(f"document {document_id} is not customer {customer_id}'s")
        reversal_id, _ = reversals.request_reversal(
            ctx.settings, payment_id, document_id, actor=ctx.user.name, reason=str(why)
        )
    except reversals.ReversalRefused:
        raise InputError("customer.reverse_nothing_held") from None
    return reversal_id


def _optional(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value) or None

"""Reversing a posted cash allocation: the one way a person changes what the ledger posted.

Cash application posts each payment once (dbt: int_payment_allocations_posted); after
that, an allocation moves only by a reversal with an actor, a date and a reason. This
module checks a request against the published marts (the payment must hold something on
that invoice) and records it in the ops store; the next pipeline run posts it, takes the
amount off the invoice (it is open again) and parks it as unapplied cash, reason
``reversed``, for a person to apply. The CLI (`forderwerk reverse`) and the app (customer
page, controllers and admins) both come through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from actions import ops_store
from core.business_day import business_today
from core.serving import SnapshotMissing, SnapshotUnavailable, snapshot_rows
from core.settings import Settings


class ReversalRefused(ValueError):
    """The request cannot be recorded; the message says why, for the person who asked."""


@dataclass(frozen=True)
class Holding:
    """What a payment holds on an invoice in the published marts."""

    payment_id: str
    document_id: str
    customer_id: str
    applied_amount: Decimal
    currency: str


def holding(settings: Settings, payment_id: str, document_id: str) -> Holding | None:
    """The payment's applied amount on the invoice in the serving snapshot (None: none)."""
    try:
        rows = snapshot_rows(
            settings.serving_path,
            """select customer_id, sum(applied_amount), any_value(currency)
               from marts.fct_payment_matches
               where payment_id = ? and document_id = ?
               group by customer_id""",
            [payment_id, document_id],
        )
    except SnapshotMissing:
        raise ReversalRefused(
            f"no published snapshot at {settings.serving_path}: run the pipeline before "
            "reversing an allocation"
        ) from None
    except SnapshotUnavailable as exc:
        raise ReversalRefused(
            f"the published snapshot cannot be read now ({exc}): try again"
        ) from exc
    row = rows[0] if rows else None
    if row is None or row[1] <= 0:
        return None
    return Holding(payment_id, document_id, row[0], Decimal(row[1]), row[2])


def request_reversal(
    settings: Settings,
    payment_id: str,
    document_id: str,
    *,
    actor: str,
    reason: str,
    posting_date: date | None = None,
) -> tuple[str, Holding]:
    """Record a reversal of what ``payment_id`` holds on ``document_id``; returns its id and
    the holding it reverses. The next run on or after ``posting_date`` (default: today)
    posts it."""
    if not reason.strip():
        raise ReversalRefused("a reversal needs a reason (what shows the allocation is wrong)")
    found = holding(settings, payment_id, document_id)
    if found is None:
        raise ReversalRefused(
            f"payment {payment_id} holds nothing on document {document_id} in the published "
            "marts: nothing to reverse"
        )
    reversal_id = ops_store.record_reversal(
        ops_store.engine_for(settings),
        ops_store.Reversal(
            payment_id=payment_id,
            document_id=document_id,
            actor=actor,
            reason=reason,
            posting_date=posting_date or business_today(),
        ),
    )
    return reversal_id, found

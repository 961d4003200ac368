"""Decide the day's dunning actions: from the warehouse's proposals, the procedures, the
ledger and the live stops to the actions to write into the ledger. Pure: reads nothing,
writes nothing.

Rules:

- The next step of a document follows the ledger, never the proposal alone: the level
  above the highest level the ledger holds for it (sent or on its way), so a run after
  days without one moves each item one level (never jumping one, never a burst), and a
  rerun on the same day finds nothing new. A friendly pre-due reminder is skipped once
  the item is past due. One level per document per day.
- A step is carried out when its offset from the due date is reached, the item's open
  amount (EUR) reaches the step's minimum and ``min_days_since_last_contact`` have passed
  since the last notice or contact event.
- A customer's due items become one notice per channel and currency (``email+letter``
  is two deliveries of the same notice); its level, template and fee are those of its
  highest step. The dunning fee is booked once per notice (on the letter when there is
  one), the flat fee once per claim (the ledger knows what was booked).
- Interest and the day default began are the warehouse's (``marts.fct_interest_accrued``,
  per document and law), never recomputed here. Interest reaching into a half-year
  without a known reference rate is held as unknown: the notice states no figure for it
  and goes to approval.
- A rejected step comes up again after ``REJECTION_HOLD_DAYS`` at the earliest (or the
  step's own waiting time, if longer).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from actions import legal
from actions.company import Company
from actions.girocode import is_rf_reference, rf_reference
from actions.ledger import DocumentHistory, NewAction, NewItem, idempotency_key
from actions.policy import Policy, Procedure, Step
from actions.rendering import available_languages, language_for, locale_for
from actions.stops import BrokenPromise, Stop, StopChecker
from actions.warehouse import WarehouseData

ZERO = Decimal("0.00")
#: days a rejected step stays off the table at least (longer if the step waits longer)
REJECTION_HOLD_DAYS = 7


@dataclass
class Candidate:
    """One document whose next step is due today, with its figures."""

    proposal: dict
    item: dict
    customer: dict
    procedure: Procedure
    procedure_reason: str
    step: Step
    party: str
    deliveries: tuple[str, ...]
    interest: Decimal | None
    interest_status: str
    interest_from: date | None
    interest_note: str | None
    flat_fee: Decimal
    earlier_fees: Decimal
    notes: list[str] = field(default_factory=list)

    @property
    def document_id(self) -> str:
        return self.item["document_id"]

    @property
    def booking_channel(self) -> str:
        """The delivery that books the new fees (the letter when there is one)."""
        return "letter" if "letter" in self.deliveries else self.deliveries[0]


@dataclass
class Plan:
    as_of: date
    actions: list[NewAction] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (document_id, why)


@dataclass(frozen=True)
class Context:
    """What planning needs besides the warehouse data."""

    policy: Policy
    laws: dict[str, legal.Law]
    company: Company
    histories: dict[str, DocumentHistory]
    checker: StopChecker
    #: the template languages, looked up once per run (a directory walk per notice cost
    #: 1.5 s of a 1 M-invoice day's 8 s of planning)
    languages: tuple[str, ...] = field(default_factory=available_languages)


def plan_day(data: WarehouseData, ctx: Context) -> Plan:
    plan = Plan(as_of=data.as_of)
    candidates = []
    for proposal in data.proposals:
        candidate = _candidate(proposal, data, ctx, plan)
        if candidate is not None:
            candidates.append(candidate)
    plan.actions.extend(_group(candidates, data.as_of, ctx))
    for promise in ctx.checker.broken_promises(data.open_items):
        action = _promise_task(promise, data, ctx)
        if action is not None:
            plan.actions.append(action)
    return plan


def _candidate(proposal: dict, data: WarehouseData, ctx: Context, plan: Plan) -> Candidate | None:
    doc = proposal["document_id"]
    item = data.open_items.get(doc)
    if item is None or Decimal(item["open_amount"]) <= 0:
        plan.skipped.append((doc, "no longer open"))
        return None
    stop = ctx.checker.stop_for(item)
    if stop is None and proposal.get("is_stopped"):
        stop = Stop(
            doc,
            proposal["customer_id"],
            proposal.get("stop_reason") or "stop",
            proposal.get("reason") or "",
            "warehouse",
        )
    if stop is not None:
        plan.stops.append(stop)
        return None
    customer = data.customers.get(item["customer_id"], {"customer_id": item["customer_id"]})
    name, why = ctx.policy.assign(customer)
    procedure = ctx.policy.procedure(name)
    history = ctx.histories.get(doc, DocumentHistory())
    if history.pending:
        plan.skipped.append((doc, "an earlier action for it has not gone out yet"))
        return None
    if history.last_contact == data.as_of and history.level is not None:
        plan.skipped.append((doc, "already acted on today"))
        return None
    days_past_due = _days_past_due(item, data.as_of)
    step = procedure.next_step(history.level)
    if step is not None and step.is_reminder and days_past_due > 0:
        step = procedure.next_step(step.level)
    if step is None:
        plan.skipped.append((doc, f"procedure {name} has no step after level {history.level}"))
        return None
    if days_past_due < step.offset_days:
        plan.skipped.append((doc, f"level {step.level} due at offset {step.offset_days}"))
        return None
    stop = _policy_stop(item, step, history, ctx, data.as_of)
    if stop is not None:
        plan.stops.append(stop)
        return None
    accrued = data.interest.get((doc, procedure.law))
    candidate = _priced(proposal, item, customer, procedure, why, step, history, accrued, ctx)
    if proposal.get("level") is not None and int(proposal["level"]) != step.level:
        candidate.notes.append(
            f"warehouse proposed level {proposal['level']}, the ledger's next is {step.level}"
        )
    return candidate


def _days_past_due(item: dict, as_of: date) -> int:
    due = item.get("effective_due_date") or item.get("due_date")
    return (as_of - due).days if due else int(item.get("days_past_due") or 0)


def _policy_stop(
    item: dict, step: Step, history: DocumentHistory, ctx: Context, as_of: date
) -> Stop | None:
    doc, customer_id = item["document_id"], item["customer_id"]
    hold = max(REJECTION_HOLD_DAYS, step.min_days_since_last_contact)
    if history.last_rejected is not None and (as_of - history.last_rejected).days < hold:
        return Stop(
            doc,
            customer_id,
            "rejected",
            f"the last step was rejected on {history.last_rejected}; proposed again after "
            f"{hold} days",
            "policy",
        )
    amount_eur = Decimal(item.get("open_amount_reporting") or item["open_amount"])
    if amount_eur < step.min_amount:
        return Stop(
            doc,
            customer_id,
            "below_minimum",
            f"{amount_eur} EUR open is below the step minimum of {step.min_amount} EUR",
            "policy",
        )
    last = ctx.checker.last_contact(customer_id, doc)
    if last is not None and (as_of - last).days < step.min_days_since_last_contact:
        return Stop(
            doc,
            customer_id,
            "recent_contact",
            f"last contact {last}, {(as_of - last).days} of "
            f"{step.min_days_since_last_contact} days waited",
            "policy",
        )
    return None


def _priced(
    proposal: dict,
    item: dict,
    customer: dict,
    procedure: Procedure,
    why: str,
    step: Step,
    history: DocumentHistory,
    accrued: dict | None,
    ctx: Context,
) -> Candidate:
    law = ctx.laws[procedure.law]
    party = legal.party_of(customer.get("customer_type"))
    units = Decimal(str(item.get("units_per_eur") or 1))
    # when default began and the interest accrued: the warehouse's (fct_interest_accrued),
    # the one place they are computed; no row means not in default on the as-of date
    in_default = accrued is not None
    interest, status, interest_from, note = None, "none", None, None
    if step.charge_interest and accrued is not None:
        interest_from = accrued["default_start_date"]
        if accrued["interest_amount"] is not None:
            interest, status = Decimal(accrued["interest_amount"]), "known"
        else:
            missing = accrued["missing_base_rate_from"]
            status = "unknown"
            note = f"{missing}: no reference rate for {_half_year(missing)} (law {law.code})"
    flat = ZERO
    if step.charge_flat_fee and in_default:
        flat = legal.cents(
            legal.flat_fee(law, party=party, already_charged=history.flat_fee_booked) * units
        )
    return Candidate(
        proposal=proposal,
        item=item,
        customer=customer,
        procedure=procedure,
        procedure_reason=why,
        step=step,
        party=party,
        deliveries=_deliveries(step, customer),
        interest=interest,
        interest_status=status,
        interest_from=interest_from,
        interest_note=note,
        flat_fee=flat,
        earlier_fees=history.fees_booked,
    )


def _half_year(day: date) -> str:
    return f"{day.year}-H{1 if day.month < 7 else 2}"


def _deliveries(step: Step, customer: dict) -> tuple[str, ...]:
    """The step's channels; an e-mail to a customer without an address becomes a letter."""
    channels = list(step.channels)
    if "email" in channels and not customer.get("email"):
        channels.remove("email")
        if "letter" not in channels:
            channels.append("letter")
    if step.action == "agency_handover":
        channels.append("agency")
    return tuple(channels)


def _group(candidates: list[Candidate], as_of: date, ctx: Context) -> list[NewAction]:
    groups: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        for channel in c.deliveries:
            groups[(c.item["customer_id"], str(c.item["currency"]).upper(), channel)].append(c)
    return [
        _notice(customer_id, currency, channel, members, as_of, ctx)
        for (customer_id, currency, channel), members in sorted(groups.items())
    ]


def _notice(
    customer_id: str,
    currency: str,
    channel: str,
    members: list[Candidate],
    as_of: date,
    ctx: Context,
) -> NewAction:
    members = sorted(members, key=lambda c: (c.item.get("due_date") or as_of, c.document_id))
    top = max(members, key=lambda c: c.step.level)
    customer = top.customer
    units = Decimal(str(top.item.get("units_per_eur") or 1))
    kind = {"phone": "task", "agency": "agency"}.get(channel, "notice")
    notice_fee = legal.cents(top.step.fee * units) if kind == "notice" else ZERO
    books_notice_fee = kind == "notice" and channel == top.booking_channel
    items = []
    for index, c in enumerate(members):
        books = channel == c.booking_channel
        items.append(
            NewItem(
                document_id=c.document_id,
                proposal_id=c.proposal.get("dunning_proposal_id"),
                level=c.step.level,
                step_number=c.step.number,
                issue_date=c.item.get("issue_date"),
                due_date=c.item.get("due_date") or c.item.get("effective_due_date"),
                days_past_due=_days_past_due(c.item, as_of),
                currency=currency,
                open_amount=Decimal(c.item["open_amount"]),
                interest_amount=c.interest,
                interest_status=c.interest_status,
                interest_from=c.interest_from,
                interest_note=c.interest_note,
                earlier_fees=c.earlier_fees,
                flat_fee=c.flat_fee,
                dunning_fee=notice_fee if books_notice_fee and index == 0 else ZERO,
                books_charges=books,
            )
        )
    reasons = _approval_reasons(members)
    docs = [c.document_id for c in members]
    language = language_for(
        customer.get("language_code"), languages=ctx.languages, country=customer.get("country_code")
    )
    action = NewAction(
        key_text=idempotency_key(customer_id, channel, top.step.level, as_of, docs),
        kind=kind,
        as_of=as_of,
        customer_id=customer_id,
        entity=top.item.get("entity") or customer.get("entity_id"),
        channel=channel,
        level=top.step.level,
        procedure=top.procedure.name,
        step_number=top.step.number,
        action=top.step.action,
        template=top.step.template,
        language=language,
        currency=currency,
        requires_approval=bool(reasons),
        approval_reasons=reasons,
        notice_fee=notice_fee,
        interest_status=_overall_interest(members),
        reason="; ".join(
            [f"{top.procedure.name} step {top.step.number} ({top.procedure_reason})"]
            + [n for c in members for n in c.notes]
        ),
        payload=_payload(
            customer,
            language,
            party=top.party,
            level=top.step.level,
            payment_days=top.step.payment_days,
            reference_item=members[0].item if len(members) == 1 else None,
            letter_fallback=channel == "letter" and "letter" not in top.step.channels,
            as_of=as_of,
            ctx=ctx,
        ),
        items=items,
    )
    return action


def _approval_reasons(members: list[Candidate]) -> list[str]:
    reasons = []
    for c in members:
        if c.step.requires_approval:
            reasons.append(
                f"{c.document_id}: {c.procedure.name} level {c.step.level} needs approval"
            )
        if c.interest_status == "unknown":
            reasons.append(f"{c.document_id}: interest unknown ({c.interest_note})")
    return reasons


def _overall_interest(members: list[Candidate]) -> str:
    statuses = {c.interest_status for c in members}
    return "unknown" if "unknown" in statuses else "known" if "known" in statuses else "none"


def _payload(
    customer: dict,
    language: str,
    *,
    party: str,
    level: int,
    payment_days: int,
    reference_item: dict | None,
    letter_fallback: bool,
    as_of: date,
    ctx: Context,
) -> dict:
    """What the notice needs later (rendering, delivery), frozen at planning time."""
    country = customer.get("country_code")
    agency = ctx.company.agency_for(country)
    if reference_item and is_rf_reference(reference_item.get("payment_reference")):
        reference = str(reference_item["payment_reference"]).replace(" ", "").upper()
    else:
        stem = "".join(ch for ch in str(customer.get("customer_id", "")) if ch.isalnum())[-12:]
        reference = rf_reference(f"{stem}{as_of:%y%m%d}{level}")
    return {
        "customer": {
            "id": customer.get("customer_id"),
            "name": customer.get("name") or customer.get("customer_id"),
            "street": customer.get("street") or "",
            "postal_code": customer.get("postal_code") or "",
            "city": customer.get("city") or "",
            "country": country or "",
            "email": customer.get("email") or "",
            "phone": customer.get("phone") or "",
            "party": party,
        },
        "locale": locale_for(language, country),
        "collector": customer.get("collector") or "unassigned",
        "agency": {"id": agency.agency_id, "name": agency.name},
        "reference": reference,
        "payment_days": payment_days,
        "channel_note": "no e-mail address: sent as letter" if letter_fallback else None,
    }


def _promise_task(promise: BrokenPromise, data: WarehouseData, ctx: Context) -> NewAction | None:
    """A collector task for a promise that was not kept (once per promise)."""
    items = [data.open_items[d] for d in promise.document_ids]
    items = [i for i in items if ctx.checker.stop_for(i, check_payments=False) is None]
    if not items:
        return None
    customer = data.customers.get(promise.customer_id, {"customer_id": promise.customer_id})
    language = language_for(
        customer.get("language_code"), languages=ctx.languages, country=customer.get("country_code")
    )
    docs = [i["document_id"] for i in items]
    currency = str(items[0]["currency"]).upper()
    payload = _payload(
        customer,
        language,
        party=legal.party_of(customer.get("customer_type")),
        level=0,
        payment_days=0,
        reference_item=None,
        letter_fallback=False,
        as_of=data.as_of,
        ctx=ctx,
    )
    payload["task"] = {
        "kind": "broken_promise",
        "promise_event_id": promise.event_id,
        "promised_until": promise.promised_until.isoformat(),
        "promised_amount": str(promise.promised_amount)
        if promise.promised_amount is not None
        else None,
        "promised_at": promise.promised_at.isoformat() if promise.promised_at else None,
    }
    key = "|".join(
        (promise.customer_id, "phone", "broken_promise", promise.event_id, ",".join(sorted(docs)))
    )
    return NewAction(
        key_text=key,
        kind="task",
        as_of=data.as_of,
        customer_id=promise.customer_id,
        entity=items[0].get("entity"),
        channel="phone",
        level=0,
        procedure=None,
        step_number=None,
        action="broken_promise",
        template="broken_promise",
        language=language,
        currency=currency,
        requires_approval=False,
        approval_reasons=[],
        notice_fee=ZERO,
        interest_status="none",
        reason=f"promise {promise.event_id} to pay by {promise.promised_until} not kept",
        payload=payload,
        items=[
            NewItem(
                document_id=i["document_id"],
                proposal_id=None,
                level=0,
                step_number=None,
                issue_date=i.get("issue_date"),
                due_date=i.get("due_date") or i.get("effective_due_date"),
                days_past_due=_days_past_due(i, data.as_of),
                currency=str(i["currency"]).upper(),
                open_amount=Decimal(i["open_amount"]),
                interest_amount=None,
                interest_status="none",
                interest_from=None,
                interest_note=None,
                earlier_fees=ZERO,
                flat_fee=ZERO,
                dunning_fee=ZERO,
                books_charges=False,
            )
            for i in items
        ],
    )

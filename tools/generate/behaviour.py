"""Payment personalities: when and how each customer means to pay each invoice.

A plan says *when* money is meant to go and *how much of what is then still open* (the rest,
a share, everything but a disputed amount), not fixed amounts: credit notes issued in the
meantime then reduce the payment exactly as they would in life.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tools.generate.config import CompanyConfig
from tools.generate.documents import credit_note
from tools.generate.model import (
    CARD,
    CENT,
    CHRONICALLY_LATE,
    DIRECT_DEBIT,
    DISPUTING,
    DRIFTING,
    INSOLVENT,
    PUNCTUAL,
    SLIGHTLY_LATE,
    ZERO,
    Customer,
    Document,
)

REST, SHARE, SHORT = "rest", "share", "short"

DISPUTE_REASONS = {
    "de": (
        "Ware beschädigt geliefert",
        "Menge stimmt nicht mit Lieferschein überein",
        "Preis weicht vom Angebot ab",
        "Lieferung verspätet, Vertragsstrafe",
        "Falscher Artikel geliefert",
        "Rabatt nicht berücksichtigt",
    ),
    "en": (
        "Goods damaged on arrival",
        "Quantity does not match delivery note",
        "Price differs from quotation",
        "Wrong item delivered",
    ),
    "fr": (
        "Marchandise endommagée",
        "Quantité non conforme au bon de livraison",
        "Prix différent du devis",
    ),
    "nl": (
        "Goederen beschadigd geleverd",
        "Aantal klopt niet met pakbon",
        "Prijs wijkt af van offerte",
    ),
}


@dataclass(slots=True)
class Installment:
    day: date
    mode: str  # rest | share | short
    value: Decimal = ZERO  # the share (for SHARE) or the withheld amount (for SHORT)
    bounce: bool = False  # a direct debit that will come back unpaid


@dataclass(slots=True)
class Dispute:
    opened: date
    amount: Decimal
    reason: str
    blocked: bool
    resolved: date | None  # None: still open at the end of the period
    outcome: str  # credit | rejected
    short_paid: bool


@dataclass(slots=True)
class InvoicePlan:
    invoice: Document
    installments: list[Installment] = field(default_factory=list)
    dispute: Dispute | None = None
    promise: tuple[date, date, Decimal] | None = None  # made on, until, amount
    credit_note: Document | None = None  # the one that settled the dispute


def plan_customer(
    config: CompanyConfig, customer: Customer, invoices: list[Document], next_seq: list[int]
) -> tuple[list[InvoicePlan], list[Document]]:
    """Plans for one customer's invoices and the credit notes that settle its disputes."""
    rng = config.rng(f"behaviour/{customer.customer_id}")
    plans, notes = [], []
    for invoice in invoices:
        plan = InvoicePlan(invoice)
        pay_day = invoice.due_date + timedelta(days=_delay(rng, customer, invoice))
        dispute_odds = 0.12 if customer.personality == DISPUTING else 0.005
        disputable = customer.customer_type == "B2B" and customer.method != DIRECT_DEBIT
        if disputable and rng.random() < dispute_odds:
            note = _plan_dispute(rng, config, plan, pay_day, next_seq)
            if note is not None:
                notes.append(note)
        if plan.dispute is None:
            _plan_payment(rng, customer, plan, pay_day)
        _plan_promise(rng, config, customer, plan, pay_day)
        plans.append(plan)
    return plans, notes


def _delay(rng: random.Random, c: Customer, invoice: Document) -> int:
    """Days after the due date the customer pays (negative: early)."""
    terms = c.payment_terms_days
    if c.method == CARD and c.customer_type == "B2C":
        return -terms + rng.randint(0, 2)  # charged when the goods ship
    if c.method == DIRECT_DEBIT:
        return 0  # we collect on the due date
    p = c.personality
    if p == PUNCTUAL:
        roll = rng.random()
        if roll < 0.12:
            return min(0, -terms + rng.randint(1, 7))
        return rng.randint(-4, 0) if roll < 0.96 else rng.randint(1, 4)
    if p == SLIGHTLY_LATE:
        return int(rng.triangular(1, 15, 4))
    if p == CHRONICALLY_LATE:
        return int(rng.triangular(5, 45, 15))
    if p == DISPUTING:
        return rng.randint(-3, 9)
    if p == DRIFTING:
        base = rng.randint(0, 8)
        if c.drift_start is None or invoice.due_date <= c.drift_start:
            return base
        months = (invoice.due_date - c.drift_start).days / 30.4
        slope = 3 + c.index % 4  # days later per month, steadily
        return base + int(months * slope * rng.uniform(0.8, 1.2))
    if p == INSOLVENT:
        return int(rng.triangular(0, 20, 4))
    raise ValueError(f"unknown personality {p}")


def _plan_payment(rng: random.Random, c: Customer, plan: InvoicePlan, pay_day: date) -> None:
    invoice = plan.invoice
    if c.stop_date is not None and pay_day >= c.stop_date:
        if c.method == DIRECT_DEBIT and invoice.due_date < c.stop_date + timedelta(days=45):
            plan.installments.append(Installment(invoice.due_date, REST, bounce=True))
        elif c.personality == DRIFTING and invoice.due_date < c.stop_date and rng.random() < 0.4:
            token = Decimal(rng.choice((20, 25, 30, 40, 50))) / 100
            day = invoice.due_date + timedelta(
                days=rng.randint(0, (c.stop_date - invoice.due_date).days)
            )
            plan.installments.append(Installment(day, SHARE, token))
        return
    if c.personality == CHRONICALLY_LATE and rng.random() < 0.15:
        plan.installments.append(Installment(pay_day, SHARE, Decimal("0.5")))
        pay_day += timedelta(days=rng.randint(14, 35))
    elif (
        c.personality == DRIFTING
        and c.drift_start
        and pay_day > c.drift_start
        and rng.random() < 0.25
    ):
        plan.installments.append(
            Installment(pay_day, SHARE, Decimal(rng.choice((30, 40, 50))) / 100)
        )
        pay_day += timedelta(days=rng.randint(20, 45))
    plan.installments.append(Installment(pay_day, REST))


def _plan_dispute(
    rng: random.Random, config: CompanyConfig, plan: InvoicePlan, pay_day: date, next_seq: list[int]
) -> Document | None:
    """A complaint: either the undisputed part is paid now (short payment) or everything is
    withheld; the dispute ends with a credit note or is rejected and then paid in full."""
    invoice = plan.invoice
    opened = invoice.issue_date + timedelta(days=rng.randint(4, 20))
    if opened > config.end:
        return None
    amount = (invoice.amount * Decimal(rng.choice((10, 15, 20, 25, 30, 40))) / 100).quantize(CENT)
    short = rng.random() < 0.4
    resolved = opened + timedelta(days=rng.randint(15, 60) if short else rng.randint(10, 70))
    outcome = "credit" if rng.random() < (0.7 if short else 0.55) else "rejected"
    language = invoice.customer.language if invoice.customer.language in DISPUTE_REASONS else "en"
    plan.dispute = Dispute(
        opened=opened,
        amount=amount,
        reason=rng.choice(DISPUTE_REASONS[language]),
        blocked=rng.random() < 0.4,
        resolved=resolved if resolved <= config.end else None,
        outcome=outcome,
        short_paid=short,
    )
    if short:
        plan.installments.append(
            Installment(max(pay_day, opened + timedelta(days=2)), SHORT, amount)
        )
    if plan.dispute.resolved is None:
        return None
    note = None
    if outcome == "credit":
        note = credit_note(invoice, resolved, amount, "dispute", next_seq[0])
        plan.credit_note = note
        next_seq[0] += 1
    if not short or outcome == "rejected":
        plan.installments.append(Installment(resolved + timedelta(days=rng.randint(3, 18)), REST))
    return note


def _plan_promise(
    rng: random.Random, config: CompanyConfig, c: Customer, plan: InvoicePlan, pay_day: date
) -> None:
    """Late payers promise to pay when chased; drifting ones stop keeping their word."""
    if c.personality not in (CHRONICALLY_LATE, DRIFTING, SLIGHTLY_LATE) or plan.dispute:
        return
    due = plan.invoice.due_date
    paid_on = plan.installments[-1].day if plan.installments else None
    late = (paid_on - due).days if paid_on else (config.end - due).days
    if late < 25 or rng.random() > (0.15 if c.personality != SLIGHTLY_LATE else 0.03):
        return
    made = due + timedelta(days=rng.randint(10, max(11, min(late, 60) - 3)))
    if made > config.end:
        return
    until = (
        (paid_on + timedelta(days=rng.randint(-1, 3)))
        if paid_on
        else (made + timedelta(days=rng.randint(7, 21)))
    )
    until = max(until, made + timedelta(days=2))
    plan.promise = (made, until, plan.invoice.amount)

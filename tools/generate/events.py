"""CRM events a credit department records: disputes and their resolution, promises to pay,
dunning blocks, payment plans, insolvency notes and approvals, derived from what the
simulation made happen (so a dispute event always sits on an invoice that was disputed)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tools.generate.behaviour import InvoicePlan
from tools.generate.config import CREDIT_MANAGER, CompanyConfig
from tools.generate.dates import next_business_day
from tools.generate.model import (
    CHRONICALLY_LATE,
    DRIFTING,
    INSOLVENT,
    CrmEvent,
    Customer,
)
from tools.generate.remittance import german_amount

NOTES = (
    "Ansprechpartner in der Buchhaltung gewechselt, neue Durchwahl hinterlegt",
    "Kunde bittet um Rechnungsversand nur noch per E-Mail",
    "Kontoauszug an Kunden gesendet, Abstimmung der offenen Posten angefragt",
    "Kunde fragt nach Skonto, Hinweis auf vereinbarte Zahlungsbedingungen",
)


def _at(rng: random.Random, day: date) -> tuple[date, int]:
    return next_business_day(day), rng.randint(8 * 60, 17 * 60)


def build_events(
    config: CompanyConfig,
    customers: list[Customer],
    plans: dict[str, list[InvoicePlan]],
) -> list[CrmEvent]:
    """Every event in time order; ids are given by the writer in this order."""
    rng = config.rng("events")
    events: list[CrmEvent] = []
    for customer in customers:
        for plan in plans.get(customer.customer_id, []):
            _dispute_events(rng, customer, plan, events)
            if plan.promise:
                made, until, amount = plan.promise
                day, minute = _at(rng, made)
                events.append(
                    CrmEvent(
                        day,
                        minute,
                        customer.collector,
                        customer.customer_id,
                        plan.invoice,
                        "promise",
                        amount,
                        until,
                        f"Kunde sagt Zahlung bis {until:%d.%m.%Y} zu",
                    )
                )
        _customer_events(rng, config, customer, events)
    events = [e for e in events if e.day <= config.end]
    events.sort(key=lambda e: (e.day, e.minute_of_day))
    return events


def _dispute_events(
    rng: random.Random, customer: Customer, plan: InvoicePlan, events: list[CrmEvent]
) -> None:
    dispute = plan.dispute
    if dispute is None:
        return
    invoice, who = plan.invoice, customer.collector
    day, minute = _at(rng, dispute.opened)
    events.append(
        CrmEvent(
            day,
            minute,
            who,
            customer.customer_id,
            invoice,
            "dispute_opened",
            dispute.amount,
            None,
            dispute.reason,
        )
    )
    if dispute.blocked:
        events.append(
            CrmEvent(
                day,
                minute + 4,
                who,
                customer.customer_id,
                invoice,
                "dunning_block",
                None,
                None,
                "Mahnsperre bis zur Klärung der Reklamation",
            )
        )
    if dispute.resolved is None:
        return
    day, minute = _at(rng, dispute.resolved)
    note = plan.credit_note
    if dispute.outcome == "credit" and note is not None:
        amount = f"{german_amount(note.amount)} {note.currency}"
        text = f"Reklamation berechtigt, Gutschrift über {amount} erteilt"
    else:
        text = "Reklamation geprüft und abgelehnt, Kunde wurde informiert"
    events.append(
        CrmEvent(
            day,
            minute,
            CREDIT_MANAGER,
            customer.customer_id,
            invoice,
            "dispute_resolved",
            None,
            None,
            text,
        )
    )
    if dispute.blocked:
        events.append(
            CrmEvent(
                day,
                minute + 3,
                who,
                customer.customer_id,
                invoice,
                "dunning_unblock",
                None,
                None,
                "Reklamation erledigt, Mahnsperre aufgehoben",
            )
        )


def _customer_events(
    rng: random.Random, config: CompanyConfig, c: Customer, events: list[CrmEvent]
) -> None:
    cid = c.customer_id
    if c.personality == DRIFTING and c.drift_start and c.stop_date:
        day, minute = _at(rng, c.drift_start + timedelta(days=rng.randint(45, 75)))
        events.append(
            CrmEvent(
                day,
                minute,
                CREDIT_MANAGER,
                cid,
                None,
                "note",
                None,
                None,
                "Zahlungsziele werden zunehmend überschritten, Limit überprüfen",
            )
        )
        day, minute = _at(rng, c.stop_date + timedelta(days=rng.randint(5, 25)))
        rate = (Decimal(c.median_net_cents) / 100 * Decimal("1.19") / 100).to_integral_value(
            ROUND_HALF_UP
        ) * 100
        until = day + timedelta(days=rng.choice((60, 90, 120)))
        events.append(
            CrmEvent(
                day,
                minute,
                c.collector,
                cid,
                None,
                "payment_plan",
                rate,
                until,
                f"Ratenzahlung vereinbart: monatlich {german_amount(rate)} {c.currency}",
            )
        )
    if c.personality == INSOLVENT and c.stop_date:
        day, minute = _at(rng, c.stop_date + timedelta(days=rng.randint(12, 25)))
        events.append(
            CrmEvent(
                day,
                minute,
                c.collector,
                cid,
                None,
                "note",
                None,
                None,
                "Kunde telefonisch nicht erreichbar, Zahlungen bleiben aus",
            )
        )
        if c.insolvency_date:
            day, minute = _at(rng, c.insolvency_date + timedelta(days=rng.randint(1, 6)))
            events.append(
                CrmEvent(
                    day,
                    minute,
                    CREDIT_MANAGER,
                    cid,
                    None,
                    "note",
                    None,
                    None,
                    f"Insolvenzantrag beim Amtsgericht gestellt "
                    f"(Az. {rng.randint(10, 999)} IN {rng.randint(100, 999)}/{day:%y})",
                )
            )
            events.append(
                CrmEvent(
                    day,
                    minute + 6,
                    CREDIT_MANAGER,
                    cid,
                    None,
                    "dunning_block",
                    None,
                    None,
                    "Insolvenzverfahren: keine Mahnungen mehr",
                )
            )
            day, minute = _at(rng, day + timedelta(days=rng.randint(3, 12)))
            events.append(
                CrmEvent(
                    day,
                    minute,
                    CREDIT_MANAGER,
                    cid,
                    None,
                    "approval",
                    None,
                    None,
                    "Forderungsanmeldung zur Insolvenztabelle freigegeben",
                )
            )
    if c.personality == CHRONICALLY_LATE and rng.random() < 0.3:
        day, minute = _at(rng, config.end - timedelta(days=rng.randint(20, 200)))
        if day >= c.active_from:
            events.append(
                CrmEvent(
                    day,
                    minute,
                    CREDIT_MANAGER,
                    cid,
                    None,
                    "rejection",
                    None,
                    None,
                    "Übergabe an Inkasso abgelehnt: Kunde zahlt spät, aber verlässlich",
                )
            )
    if rng.random() < 0.03:
        day, minute = _at(rng, c.active_from + timedelta(days=rng.randint(10, 300)))
        events.append(
            CrmEvent(day, minute, c.collector, cid, None, "note", None, None, rng.choice(NOTES))
        )

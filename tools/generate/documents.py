"""Invoices and credit notes: who bought what when, and the document numbers the ERP gives.

Invoices are drawn first without numbers; credit notes (returns, price corrections, and the
ones that settle disputes) are added by the behaviour step; :func:`number_documents` then
numbers everything in issue-date order per year, the way an ERP's number ranges do.
"""

from __future__ import annotations

import bisect
import itertools
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tools.generate.config import CompanyConfig
from tools.generate.dates import business_days, next_business_day
from tools.generate.identifiers import rf_reference
from tools.generate.model import CENT, Customer, Document

#: Gross-up factors: domestic and consumer sales carry VAT; intra-EU B2B is reverse charge,
#: exports to the UK are zero-rated, the Swiss entity charges Swiss VAT.
VAT_RATES = {
    "DE": Decimal("0.19"),
    "AT": Decimal("0.20"),
    "FR": Decimal("0.20"),
    "NL": Decimal("0.21"),
    "CH": Decimal("0.081"),
    "GB": Decimal("0"),
}

DESCRIPTIONS = {
    "de": (
        "Warenlieferung lt. Lieferschein {ls}",
        "Lieferung zu Ihrer Bestellung {po}",
        "Rechnung Auftrag {po}",
        "Warenlieferung KW {week}/{year}",
    ),
    "en": (
        "Goods delivered per delivery note {ls}",
        "Delivery for your order {po}",
        "Invoice for order {po}",
    ),
    "fr": ("Livraison selon bon de livraison {ls}", "Livraison de votre commande {po}"),
    "nl": ("Levering volgens pakbon {ls}", "Levering bestelling {po}"),
}

CREDIT_REASONS = {
    "return": {
        "de": "Gutschrift Warenrücksendung",
        "en": "Credit note for returned goods",
        "fr": "Avoir retour marchandises",
        "nl": "Creditnota retour goederen",
    },
    "price": {
        "de": "Gutschrift Preisdifferenz",
        "en": "Credit note price difference",
        "fr": "Avoir différence de prix",
        "nl": "Creditnota prijsverschil",
    },
    "dispute": {
        "de": "Gutschrift aus Reklamation",
        "en": "Credit note following your complaint",
        "fr": "Avoir suite à votre réclamation",
        "nl": "Creditnota n.a.v. uw klacht",
    },
}

GENERIC_CREDIT_SHARE = 0.03


def gross(net: Decimal, customer: Customer) -> Decimal:
    """Net plus VAT, rounded half-up to the cent as German invoicing rules expect."""
    rate = VAT_RATES[customer.country]
    if customer.country in ("AT", "FR", "NL") and customer.customer_type == "B2B":
        rate = Decimal("0")  # intra-EU reverse charge
    return (net * (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def draw_invoices(config: CompanyConfig, customers: list[Customer]) -> list[Document]:
    """Exactly ``config.invoice_count`` invoices, spread over customers by volume and
    active period; amounts log-normal around each customer's typical order."""
    rng = config.rng("invoices")
    days = business_days(config.start_date, config.end)
    if not days or config.invoice_count == 0:
        return []
    windows = [_window(days, c) for c in customers]
    weights = [c.volume * max(0, hi - lo) for c, (lo, hi) in zip(customers, windows, strict=True)]
    if sum(weights) == 0:
        weights = [1.0] * len(customers)
        windows = [(0, len(days))] * len(customers)
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]
    invoices = []
    for seq in range(config.invoice_count):
        pick = min(bisect.bisect_right(cumulative, rng.random() * total), len(customers) - 1)
        customer = customers[pick]
        lo, hi = windows[pick]
        issue = days[rng.randrange(lo, max(hi, lo + 1))]
        invoices.append(_invoice(rng, customer, issue, seq))
    invoices.sort(key=lambda d: (d.issue_date, d.seq))
    return invoices


def _window(days: list[date], customer: Customer) -> tuple[int, int]:
    lo = bisect.bisect_left(days, customer.active_from)
    hi = bisect.bisect_right(days, customer.active_until)
    return lo, hi


def _invoice(rng: random.Random, customer: Customer, issue: date, seq: int) -> Document:
    cents = int(customer.median_net_cents * rng.lognormvariate(0, 0.55))
    cents = min(max(cents, 1_500), 25_000_000)
    net = Decimal(cents).scaleb(-2)
    order_id = _order_id(rng, customer, issue)
    template = rng.choice(DESCRIPTIONS[_text_language(customer)])
    description = template.format(
        ls=f"LS{issue:%y}{rng.randint(10000, 99999)}",
        po=order_id,
        week=issue.isocalendar()[1],
        year=issue.year,
    )
    return Document(
        document_id="",
        document_type="invoice",
        customer=customer,
        issue_date=issue,
        due_date=issue + timedelta(days=customer.payment_terms_days),
        amount=gross(net, customer),
        currency=customer.currency,
        entity=customer.entity,
        order_id=order_id,
        description=description,
        seq=seq,
    )


def _order_id(rng: random.Random, customer: Customer, issue: date) -> str:
    if customer.customer_type == "B2C":
        return f"WEB-{issue:%y}{rng.randint(100000, 999999)}"
    if customer.index % 3 == 0:
        return f"45{rng.randint(10000000, 99999999)}"  # an SAP purchase order
    return f"PO-{customer.index:03d}-{rng.randint(1000, 9999)}"


def _text_language(customer: Customer) -> str:
    return customer.language if customer.language in DESCRIPTIONS else "en"


def credit_note(invoice: Document, issue: date, amount: Decimal, reason: str, seq: int) -> Document:
    """A credit note referring to ``invoice`` (``applies_to_document_id``)."""
    customer = invoice.customer
    return Document(
        document_id="",
        document_type="credit_note",
        customer=customer,
        issue_date=next_business_day(issue),
        due_date=next_business_day(issue),
        amount=amount,
        currency=invoice.currency,
        entity=invoice.entity,
        order_id=invoice.order_id,
        description=CREDIT_REASONS[reason][_text_language(customer)],
        applies_to=invoice,
        seq=seq,
    )


def draw_generic_credit_notes(
    config: CompanyConfig, invoices: list[Document], first_seq: int
) -> list[Document]:
    """Returns and price corrections on ~3% of invoices, days to weeks after the invoice."""
    rng = config.rng("credit-notes")
    notes = []
    for invoice in invoices:
        if rng.random() >= GENERIC_CREDIT_SHARE:
            continue
        issue = invoice.issue_date + timedelta(days=rng.randint(3, 40))
        if issue > config.end:
            continue
        share = Decimal(rng.choice((5, 10, 10, 15, 20, 25, 30, 50, 100))) / 100
        amount = (invoice.amount * share).quantize(CENT)
        reason = "price" if share <= Decimal("0.15") else "return"
        notes.append(credit_note(invoice, issue, amount, reason, first_seq + len(notes)))
    return notes


def number_documents(documents: list[Document]) -> None:
    """Give invoices "RE-<year>-<6 digits>" and credit notes "GS-<year>-<6 digits>" in issue
    order, and an RF reference to invoices of customers whose invoices carry one."""
    ordered = sorted(documents, key=lambda d: (d.issue_date, d.document_type, d.seq))
    counters: dict[tuple[str, int], int] = {}
    for doc in ordered:
        prefix = "RE" if doc.document_type == "invoice" else "GS"
        key = (prefix, doc.issue_date.year)
        counters[key] = counters.get(key, 0) + 1
        doc.document_id = f"{prefix}-{doc.issue_date.year}-{counters[key]:06d}"
        if doc.document_type == "invoice" and doc.customer.rf_invoices:
            doc.payment_reference = rf_reference(doc.document_id)

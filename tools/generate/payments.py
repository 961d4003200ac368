"""From plans to money: each customer's timeline of credit notes, payments and returns.

Events are replayed per customer in date order, so a payment always sees what is open on
its day (credit notes issued before it reduce it; a returned direct debit reopens the
invoice). The result is the list of customer payments, ERP-cleared payments and every
document's remaining ``open`` amount at the end of the period.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from tools.generate import remittance
from tools.generate.behaviour import REST, SHARE, SHORT, Installment, InvoicePlan
from tools.generate.config import CompanyConfig
from tools.generate.dates import add_business_days, next_business_day
from tools.generate.model import (
    CARD,
    CENT,
    DIRECT_DEBIT,
    INSOLVENT,
    MAIN,
    SECOND,
    TRANSFER,
    ZERO,
    Allocation,
    Customer,
    CustomerPayment,
    Document,
    ErpPayment,
    Payer,
)

RANDOM_RETURN_REASONS = ("MD06", "AC04", "MS02", "AM04")
BOUNCE_REASONS = ("AM04", "AM04", "AC06", "MS03")
CREDIT, RETURN, PAY = 0, 1, 2  # same-day order: credit notes, then returns, then payments


@dataclass(slots=True)
class Outcome:
    payments: list[CustomerPayment] = field(default_factory=list)
    erp_payments: list[ErpPayment] = field(default_factory=list)


@dataclass(slots=True)
class _Item:
    plan: InvoicePlan
    installment: Installment
    method: str
    retry: bool = False  # paying again after a returned direct debit


def settle_customer(
    config: CompanyConfig,
    customer: Customer,
    plans: list[InvoicePlan],
    credits: list[Document],
    outcome: Outcome,
) -> None:
    """Replay one customer's period; append its payments to ``outcome``."""
    rng = config.rng(f"payments/{customer.customer_id}")
    heap: list[tuple[date, int, int, object]] = []
    counter = 0

    def push(day: date, order: int, payload: object) -> None:
        nonlocal counter
        if day <= config.end:
            heapq.heappush(heap, (day, order, counter, payload))
            counter += 1

    for note in credits:
        push(note.issue_date, CREDIT, note)
    for plan in plans:
        for inst in plan.installments:
            push(
                _shift(customer, inst.day, customer.method), PAY, _Item(plan, inst, customer.method)
            )
    pending_credits: list[Document] = []
    credited: dict[int, Decimal] = {}  # per invoice: what credit notes took off it
    while heap:
        day = heap[0][0]
        items: list[_Item] = []
        while heap and heap[0][0] == day:
            _, order, _, payload = heapq.heappop(heap)
            if order == CREDIT:
                _apply_credit(payload, pending_credits, credited)
            elif order == RETURN:
                _reopen(rng, config, payload, push)
            else:
                items.append(payload)
        for group in _groups(rng, customer, items):
            payment = _pay(rng, config, customer, day, group, pending_credits, credited, outcome)
            if payment is not None and payment.returned_on is not None:
                push(payment.returned_on, RETURN, payment)


def _shift(customer: Customer, day: date, method: str) -> date:
    """Customers with a weekly payment run pay on their run weekday."""
    if method == TRANSFER and customer.pays_in_runs:
        return day + timedelta(days=(customer.run_weekday - day.weekday()) % 7)
    return day


def _apply_credit(note: Document, pending: list[Document], credited: dict[int, Decimal]) -> None:
    invoice = note.applies_to
    if invoice is not None and invoice.open > 0:
        used = min(note.amount, invoice.open)
        invoice.open -= used
        note.open += used
        credited[id(invoice)] = credited.get(id(invoice), ZERO) + used
    if note.open < 0:
        pending.append(note)


def _reopen(rng: random.Random, config: CompanyConfig, payment: CustomerPayment, push) -> None:
    """A returned direct debit: the invoice is open again; a solvent customer then transfers."""
    for allocation in payment.allocations:
        document = allocation.document
        document.open += allocation.amount
        if payment.customer.personality != INSOLVENT:
            day = payment.returned_on + timedelta(days=rng.randint(5, 20))
            plan = InvoicePlan(document)
            push(day, PAY, _Item(plan, Installment(day, REST), TRANSFER, retry=True))


def _groups(rng: random.Random, customer: Customer, items: list[_Item]) -> list[list[_Item]]:
    """Transfers on one day: a payment run (or sometimes a busy clerk) bundles invoices."""
    bundle = [i for i in items if i.method == TRANSFER]
    singles = [[i] for i in items if i.method != TRANSFER]
    if len(bundle) > 1 and (customer.pays_in_runs or rng.random() < 0.3):
        return [bundle, *singles]
    return [[i] for i in bundle] + singles


def _amount(item: _Item) -> Decimal:
    open_amount = item.plan.invoice.open
    inst = item.installment
    if inst.mode == SHARE:
        return (open_amount * inst.value).quantize(CENT)
    if inst.mode == SHORT:
        return open_amount - inst.value
    return open_amount


def _pay(
    rng: random.Random,
    config: CompanyConfig,
    customer: Customer,
    day: date,
    group: list[_Item],
    pending_credits: list[Document],
    credited: dict[int, Decimal],
    outcome: Outcome,
) -> CustomerPayment | None:
    method = group[0].method
    booking = add_business_days(day, 2) if method == CARD else next_business_day(day)
    if booking > config.end:
        return None
    lines: list[tuple[_Item, Decimal]] = []
    for item in group:
        amount = _amount(item)
        if amount > 0 and item.plan.invoice.open > 0:
            lines.append((item, min(amount, item.plan.invoice.open)))
    if not lines:
        return None
    if customer.offsets and method == TRANSFER and len(lines) == 1 and rng.random() < 0.5:
        _offset(customer, day, lines[0], outcome)
        return None
    allocations = [_allocation(item, amount, len(lines), credited) for item, amount in lines]
    total = sum((a.amount for a in allocations), ZERO)
    credits = _net_credits(rng, method, total, pending_credits)
    if credits:
        allocations = [Allocation(a.document, a.amount, "multi") for a in allocations]
        allocations += [Allocation(c, c.open, "multi") for c in credits]
        total += sum((c.open for c in credits), ZERO)
    extra = ZERO
    if method == TRANSFER and len(allocations) == 1 and rng.random() < 0.015:
        extra = _overpayment(rng, total)
        allocations[0].kind = "overpayment"
    for allocation in allocations:
        allocation.document.open -= allocation.amount
    payment = CustomerPayment(
        customer=customer,
        pay_date=day,
        amount=total + extra,
        currency=customer.currency,
        channel=_channel(rng, customer, method),
        method=method,
        payer=_payer(rng, customer, method),
        remittance="",
        structured_ref=None,
        end_to_end_id=_end_to_end(rng, customer, method, lines),
        allocations=allocations,
    )
    _describe(rng, payment, lines, credits)
    if method == DIRECT_DEBIT:
        _maybe_return(rng, payment, booking, any(i.installment.bounce for i, _ in lines))
        quarter = config.start_date + timedelta(days=config.period_days // 4)
        if customer.return_one_debit and day >= quarter and payment.returned_on is None:
            customer.return_one_debit = False
            payment.returned_on = add_business_days(booking, 3)
            payment.return_reason = "MD06"
        if payment.returned_on is not None and payment.returned_on > config.end:
            payment.returned_on = payment.return_reason = None  # comes back after the period
    outcome.payments.append(payment)
    return payment


def _allocation(
    item: _Item, amount: Decimal, count: int, credited: dict[int, Decimal]
) -> Allocation:
    """full: settles the document's whole payable amount (gross less its credit notes)."""
    invoice = item.plan.invoice
    if count > 1:
        kind = "multi"
    elif amount == invoice.open == invoice.amount - credited.get(id(invoice), ZERO):
        kind = "full"
    else:
        kind = "partial"
    return Allocation(invoice, amount, kind)


def _net_credits(
    rng: random.Random, method: str, total: Decimal, pending: list[Document]
) -> list[Document]:
    """A customer holding a credit note deducts it from its next sizeable transfer."""
    if method != TRANSFER or not pending or rng.random() > 0.7:
        return []
    usable = [c for c in pending if -c.open * 2 < total]
    for c in usable:
        pending.remove(c)
    return usable


def _overpayment(rng: random.Random, amount: Decimal) -> Decimal:
    """Rounded up to a full ten or hundred, or a small surplus (e.g. a fee added twice)."""
    step = Decimal(rng.choice((10, 100)))
    rounded = (amount / step).to_integral_value(ROUND_CEILING) * step
    extra = rounded - amount
    return extra if extra > 0 else Decimal(rng.choice((5, 10, 25))).quantize(CENT)


def _offset(customer: Customer, day: date, line: tuple[_Item, Decimal], outcome: Outcome) -> None:
    """The customer is also a supplier: the ERP offsets its payable against our invoice."""
    item, amount = line
    item.plan.invoice.open -= amount
    outcome.erp_payments.append(
        ErpPayment(
            payment_id="",
            customer_id=customer.customer_id,
            document=item.plan.invoice,
            amount=amount,
            currency=customer.currency,
            payment_date=day,
        )
    )


def _channel(rng: random.Random, customer: Customer, method: str) -> str:
    """Mostly the house bank; now and then a payer picks our other account from the letterhead."""
    if method == TRANSFER and customer.channel in (MAIN, SECOND) and rng.random() < 0.06:
        return SECOND if customer.channel == MAIN else MAIN
    return customer.channel


def _payer(rng: random.Random, customer: Customer, method: str) -> Payer:
    if method == TRANSFER and customer.parent is not None and rng.random() < 0.7:
        return customer.parent
    if method == TRANSFER and customer.alt_account is not None and rng.random() < 0.2:
        return customer.alt_account
    if method == CARD:
        return Payer(customer.name, "", "")
    return Payer(customer.name, customer.iban, customer.bic)


def _end_to_end(rng: random.Random, customer: Customer, method: str, lines) -> str:
    if method == DIRECT_DEBIT:
        return f"{lines[0][0].plan.invoice.document_id}-{rng.randint(1, 9)}"
    if method == CARD:
        return "pay_" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(14))
    if customer.customer_type == "B2C" or rng.random() < 0.35:
        return "NOTPROVIDED"
    return f"ZV{customer.index:04d}{rng.randint(10**7, 10**8 - 1)}"


def _describe(rng: random.Random, payment: CustomerPayment, lines, credits: list[Document]) -> None:
    """Remittance text or structured RF reference, the way this payer writes them."""
    customer = payment.customer
    invoices = [item.plan.invoice for item, _ in lines]
    first = lines[0][0]
    if payment.method == DIRECT_DEBIT:
        payment.remittance = (
            f"{first.plan.invoice.document_id} vom "
            f"{first.plan.invoice.issue_date:%d.%m.%Y} Kd.Nr. {customer.customer_id}"
        )
        return
    if payment.method == CARD:
        invoice = first.plan.invoice
        payment.remittance = (
            invoice.document_id if rng.random() < 0.5 else f"Order {invoice.order_id}"
        )
        return
    if len(invoices) > 1 or credits:
        payment.remittance = remittance.multiple(rng, customer, invoices, credits)
        return
    kind = payment.allocations[0].kind
    invoice = invoices[0]
    if (
        customer.uses_structured
        and invoice.payment_reference
        and kind in ("full", "overpayment")
        and payment.payer is not customer.parent
        and rng.random() < 0.85
    ):
        payment.structured_ref = invoice.payment_reference
        return
    inst = first.installment
    mode = {SHARE: "partial", SHORT: "short"}.get(inst.mode, "full")
    if first.retry:
        mode = "retry"
    payment.remittance = remittance.single(
        rng, customer, invoice, mode, inst.value if inst.mode == SHORT else None
    )
    if payment.payer is customer.parent:
        on_behalf = remittance.ON_BEHALF.get(customer.language, "for")
        text = f"{payment.remittance} {on_behalf} {customer.name}"
        payment.remittance = text[: remittance.MAX_LENGTH]


def _maybe_return(
    rng: random.Random, payment: CustomerPayment, booking: date, bounce: bool
) -> None:
    if bounce or rng.random() < 0.06:
        reasons = BOUNCE_REASONS if bounce else RANDOM_RETURN_REASONS
        payment.returned_on = add_business_days(booking, rng.randint(2, 6))
        payment.return_reason = rng.choice(reasons)

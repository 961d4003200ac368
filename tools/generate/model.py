"""The generated company's objects: customers, documents, payments and what happened to them.

Hidden fields (personality, house bank, dates of drift or insolvency) drive the simulation and
end up only in ``truth/``; the ERP columns are the ones of DESIGN.md "Inputs".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

PUNCTUAL = "punctual"
SLIGHTLY_LATE = "slightly_late"
CHRONICALLY_LATE = "chronically_late"
DISPUTING = "disputing"
DRIFTING = "drifting_to_default"
INSOLVENT = "insolvent"
PERSONALITIES = (PUNCTUAL, SLIGHTLY_LATE, CHRONICALLY_LATE, DISPUTING, DRIFTING, INSOLVENT)

#: Bank channels a customer payment can arrive through (keys of :data:`ledger.ACCOUNTS`).
MAIN, SECOND, PSP, CHF_ACCOUNT, GBP_ACCOUNT = "main", "second", "psp", "chf", "gbp"

TRANSFER, DIRECT_DEBIT, CARD = "transfer", "direct_debit", "card"


def money(value: Decimal | int | str) -> Decimal:
    """Two decimals, exactly (amounts are never floats)."""
    return Decimal(value).quantize(CENT)


@dataclass(slots=True)
class Payer:
    """Who sends the money: the customer itself, or e.g. its parent company."""

    name: str
    iban: str
    bic: str


@dataclass(slots=True, eq=False)
class Customer:
    # ERP master data (DESIGN.md "Inputs", customers)
    customer_id: str
    name: str
    customer_type: str  # B2B | B2C
    country: str
    language: str
    currency: str
    email: str
    phone: str
    street: str
    postal_code: str
    city: str
    vat_id: str
    payment_terms_days: int
    credit_limit: Decimal
    collector: str
    entity: str
    iban: str
    bic: str
    # hidden behaviour
    index: int = 0
    personality: str = PUNCTUAL
    channel: str = MAIN  # the account the customer usually pays to
    method: str = TRANSFER
    pays_in_runs: bool = False  # weekly payment run: several invoices in one transfer
    run_weekday: int = 4
    remit_style: str = "exact"
    uses_structured: bool = False  # the payer's software passes an RF reference on
    rf_invoices: bool = False  # our invoices to this customer carry an RF reference
    parent: Payer | None = None  # a company that pays on the customer's behalf
    alt_account: Payer | None = None  # a second account the customer sometimes pays from
    offsets: bool = False  # also a supplier: some invoices are offset in the ERP
    volume: float = 1.0
    median_net_cents: int = 100_000
    active_from: date = date.min
    active_until: date = date.max
    drift_start: date | None = None
    stop_date: date | None = None  # from this day on no more money arrives
    insolvency_date: date | None = None
    mandate_id: str = ""
    #: the first direct debit after the first quarter comes back (MD06), so every sample,
    #: however small, has a return on each account that collects direct debits
    return_one_debit: bool = False


@dataclass(slots=True, eq=False)
class Document:
    document_id: str
    document_type: str  # invoice | credit_note
    customer: Customer
    issue_date: date
    due_date: date
    amount: Decimal  # gross, positive
    currency: str
    entity: str
    order_id: str
    description: str
    payment_reference: str = ""
    applies_to: Document | None = None  # a credit note's invoice
    #: Signed remaining amount as the generator sees it (credit notes negative).
    open: Decimal = ZERO
    in_dispute: bool = False
    seq: int = 0  # draw order, to number documents deterministically

    def __post_init__(self) -> None:
        self.open = self.amount if self.document_type == "invoice" else -self.amount


@dataclass(slots=True)
class Allocation:
    """What a payment meant to settle (a truth row): negative for credit notes and returns."""

    document: Document | None
    amount: Decimal
    kind: str  # full | partial | multi | overpayment | return | other


@dataclass(slots=True, eq=False)
class CustomerPayment:
    """One transfer, direct debit or card payment by (or for) a customer."""

    customer: Customer
    pay_date: date  # when the payer sends it; the bank books on the next business day
    amount: Decimal
    currency: str
    channel: str
    method: str
    payer: Payer
    remittance: str
    structured_ref: str | None
    end_to_end_id: str
    allocations: list[Allocation] = field(default_factory=list)
    returned_on: date | None = None  # booking day of the return debit
    return_reason: str | None = None


@dataclass(slots=True)
class ErpPayment:
    """A payment the ERP cleared itself (offsetting, cash), exported in ``payments_*.csv``."""

    payment_id: str
    customer_id: str
    document: Document | None
    amount: Decimal
    currency: str
    payment_date: date
    seq: int = 0


@dataclass(slots=True)
class CrmEvent:
    day: date
    minute_of_day: int
    actor: str
    customer_id: str
    document: Document | None
    type: str
    amount: Decimal | None = None
    until: date | None = None
    text: str = ""

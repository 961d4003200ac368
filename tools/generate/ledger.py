"""Our bank accounts and what they book each day: customer credits, returns, supplier
payments, fees and the odd unrelated credit, with running balances that always add up.

Formats are chosen per account (camt.053 daily, MT940, camt.054 for the payment provider);
the writers only render what is decided here, including every bank reference, so the truth
file can name each transaction exactly as a parser will.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tools.generate.config import ENTITY_NAMES, CompanyConfig
from tools.generate.dates import add_business_days, business_days
from tools.generate.identifiers import (
    BANKS,
    Bank,
    make_iban,
    random_account,
    sepa_creditor_id,
)
from tools.generate.model import (
    CARD,
    CENT,
    CHF_ACCOUNT,
    DIRECT_DEBIT,
    GBP_ACCOUNT,
    MAIN,
    PSP,
    SECOND,
    ZERO,
    Allocation,
    CustomerPayment,
)

CREDITOR_ID = sepa_creditor_id("DE", "ZZZ", "00001234567")


@dataclass(frozen=True)
class Account:
    key: str
    iban: str
    bic: str
    currency: str
    entity: str
    format: str  # camt053 | mt940 | camt054
    opening_balance: Decimal
    #: "daily": a statement every business day; "booking_days": only on days with bookings;
    #: "monthly": one statement per month (usual for low-traffic currency accounts)
    cycle: str

    @property
    def owner(self) -> str:
        return ENTITY_NAMES[self.entity]

    @property
    def suffix(self) -> str:
        return self.iban[-4:]


def _account(
    key: str,
    bank: Bank,
    number: int,
    currency: str,
    entity: str,
    fmt: str,
    opening: str,
    cycle: str,
) -> Account:
    return Account(
        key, make_iban(bank, number), bank.bic, currency, entity, fmt, Decimal(opening), cycle
    )


COMMERZBANK = BANKS["DE"][0]
ACCOUNTS: dict[str, Account] = {
    MAIN: _account(MAIN, COMMERZBANK, 4711002200, "EUR", "FW01", "camt053", "185000.00", "daily"),
    SECOND: _account(
        SECOND,
        Bank("DE", "50050201", "HELADEF1822", 10),
        200481516,
        "EUR",
        "FW01",
        "mt940",
        "64250.00",
        "daily",
    ),
    GBP_ACCOUNT: _account(
        GBP_ACCOUNT, COMMERZBANK, 4711002288, "GBP", "FW01", "camt053", "12500.00", "monthly"
    ),
    CHF_ACCOUNT: _account(
        CHF_ACCOUNT,
        Bank("CH", "00230", "UBSWCHZH80A", 12),
        230123456,
        "CHF",
        "FW02",
        "camt053",
        "48000.00",
        "monthly",
    ),
    PSP: _account(
        PSP,
        Bank("NL", "ADYB", "ADYBNL2A", 10),
        2017400157,
        "EUR",
        "FW01",
        "camt054",
        "0.00",
        "booking_days",
    ),
}


@dataclass(slots=True)
class Tx:
    """One transaction (a camt TxDtls, an MT940 :61:/:86: pair)."""

    amount: Decimal
    end_to_end_id: str
    name: str
    iban: str
    bic: str
    remittance: str | None
    structured_ref: str | None = None
    return_reason: str | None = None
    mandate_id: str | None = None
    truth: list[Allocation] = field(default_factory=list)
    reference: str = ""  # the bank reference the truth file uses


@dataclass(slots=True)
class Entry:
    booking_date: date
    credit: bool
    kind: str  # transfer | direct_debit | return | card_payout | card_fees | supplier | fee | other
    txs: list[Tx]
    reference: str = ""  # AcctSvcrRef / MT940 //bank reference

    @property
    def amount(self) -> Decimal:
        return sum((t.amount for t in self.txs), ZERO)

    @property
    def is_return(self) -> bool:
        return self.kind == "return"


@dataclass(slots=True)
class Statement:
    account: Account
    day: date  # the (last) booking day the statement covers
    number: int  # electronic sequence number within the year
    opening: Decimal
    entries: list[Entry]
    from_day: date | None = None  # first day covered, when more than one

    @property
    def first_day(self) -> date:
        return self.from_day or self.day

    @property
    def closing(self) -> Decimal:
        return self.opening + sum((e.amount if e.credit else -e.amount for e in self.entries), ZERO)


SUPPLIERS = (
    ("Stahlwerke Thüringen GmbH", "Rechnung 2025-{n} Kd 44120"),
    ("Logistik Schuster KG", "Fracht {n}"),
    ("Papierfabrik Kübler AG", "RG {n}"),
    ("Energieversorgung Süd GmbH", "Abschlag {n}"),
    ("Verpackungen Brandt GmbH", "Rg.-Nr. {n}"),
    ("Großhandel Pfeiffer & Co. KG", "Rechnung {n}"),
    ("IT-Service Meißner GmbH", "Wartung {n}"),
    ("Techem Energy Services", "Vertrag {n}"),
)
OTHER_CREDITS = (
    ("Allianz Versicherungs-AG", "Erstattung Schadensfall {n}"),
    ("Finanzamt Frankfurt am Main", "USt-Erstattung {m}"),
    ("Stadtwerke Frankfurt", "Guthaben Jahresabrechnung {n}"),
    ("Pfeiffer & Co. KG", "Bonusgutschrift {y}"),
    ("Verpackungen Brandt GmbH", "Gutschrift Retoure {n}"),
)


def build_statements(
    config: CompanyConfig, payments: list[CustomerPayment]
) -> dict[str, list[Statement]]:
    """Statements per account key in date order; PSP notifications are one statement a day."""
    rng = config.rng("ledger")
    days = business_days(config.start_date, config.end)
    booked: dict[str, dict[date, list[Entry]]] = {key: defaultdict(list) for key in ACCOUNTS}
    _customer_entries(payments, booked)
    _other_credits(rng, days, booked)
    statements: dict[str, list[Statement]] = {}
    for key, account in ACCOUNTS.items():
        if account.format != "camt054":
            _debits(rng, account, days, booked[key])
        statements[key] = _statements(rng, account, days, booked[key])
    return statements


def _customer_entries(
    payments: list[CustomerPayment], booked: dict[str, dict[date, list[Entry]]]
) -> None:
    payouts: dict[date, list[Tx]] = defaultdict(list)
    for p in payments:
        tx = Tx(
            p.amount,
            p.end_to_end_id,
            p.payer.name,
            p.payer.iban,
            p.payer.bic,
            p.remittance or None,
            p.structured_ref,
            mandate_id=p.customer.mandate_id if p.method == DIRECT_DEBIT else None,
            truth=[a for a in p.allocations],
        )
        if p.method == CARD:
            payouts[add_business_days(p.pay_date, 2)].append(tx)
            continue
        booking = add_business_days(p.pay_date, 0)
        kind = "direct_debit" if p.method == DIRECT_DEBIT else "transfer"
        booked[p.channel][booking].append(Entry(booking, True, kind, [tx]))
        if p.returned_on is not None:
            back = Tx(
                p.amount,
                p.end_to_end_id,
                p.payer.name,
                p.payer.iban,
                p.payer.bic,
                p.remittance,
                return_reason=p.return_reason,
                mandate_id=tx.mandate_id,
                truth=[Allocation(a.document, -a.amount, "return") for a in p.allocations],
            )
            booked[p.channel][p.returned_on].append(Entry(p.returned_on, False, "return", [back]))
    for day in sorted(payouts):
        txs = payouts[day]
        booked[PSP][day].append(Entry(day, True, "card_payout", txs))
        fee = sum(
            ((t.amount * Decimal("0.014")).quantize(CENT) + Decimal("0.25") for t in txs), ZERO
        )
        booked[PSP][day].append(
            Entry(
                day,
                False,
                "card_fees",
                [Tx(fee, "NOTPROVIDED", "Adyen N.V.", "", "ADYBNL2A", f"Fees payout {day:%Y%m%d}")],
            )
        )


def _other_credits(
    rng: random.Random, days: list[date], booked: dict[str, dict[date, list[Entry]]]
) -> None:
    """Money that is not a customer's: refunds, tax, bonuses (truth: kind other, no document)."""
    for day in days:
        for key, odds in ((MAIN, 0.05), (SECOND, 0.02)):
            if rng.random() < odds:
                name, text = rng.choice(OTHER_CREDITS)
                iban, bic = random_account(rng, "DE")
                amount = Decimal(rng.randint(2_000, 450_000)).scaleb(-2)
                remittance = text.format(n=rng.randint(1000, 99999), m=f"{day:%m/%Y}", y=day.year)
                tx = Tx(
                    amount,
                    "NOTPROVIDED",
                    name,
                    iban,
                    bic,
                    remittance,
                    truth=[Allocation(None, amount, "other")],
                )
                booked[key][day].append(Entry(day, True, "other", [tx]))


def _debits(
    rng: random.Random, account: Account, days: list[date], booked: dict[date, list[Entry]]
) -> None:
    """Supplier payments sized on last week's receipts, and a monthly account fee, so balances
    move both ways but stay positive."""
    balance = account.opening_balance
    last_week = ZERO
    week_credits = ZERO
    for i, day in enumerate(days):
        if i and day.isocalendar()[1] != days[i - 1].isocalendar()[1]:
            last_week, week_credits = week_credits, ZERO
            budget = min(
                last_week * Decimal(str(round(rng.uniform(0.7, 0.97), 2))),
                balance - account.opening_balance * Decimal("0.3"),
            )
            if budget > 100:
                _supplier_payments(rng, days, i, budget.quantize(CENT), booked)
        if i == 0 or day.month != days[i - 1].month:
            fee = Decimal(rng.randint(1500, 6500)).scaleb(-2)
            booked[day].append(
                Entry(
                    day,
                    False,
                    "fee",
                    [Tx(fee, "NOTPROVIDED", "", "", "", f"Kontoführung {day:%m/%Y}")],
                )
            )
        for entry in booked.get(day, []):
            if entry.credit:
                week_credits += entry.amount
            balance += entry.amount if entry.credit else -entry.amount


def _supplier_payments(
    rng: random.Random,
    days: list[date],
    first: int,
    budget: Decimal,
    booked: dict[date, list[Entry]],
) -> None:
    week = [
        d for d in days[first : first + 5] if d.isocalendar()[1] == days[first].isocalendar()[1]
    ]
    count = rng.randint(1, 4)
    shares = [rng.randint(1, 10) for _ in range(count)]
    remaining = budget
    for n, share in enumerate(shares):
        amount = remaining if n == count - 1 else (budget * share / sum(shares)).quantize(CENT)
        remaining -= amount
        if amount <= 0:
            continue
        name, text = rng.choice(SUPPLIERS)
        iban, bic = random_account(rng, "DE")
        day = rng.choice(week)
        booked[day].append(
            Entry(
                day,
                False,
                "supplier",
                [
                    Tx(
                        amount,
                        f"FW{day:%y%m%d}{rng.randint(1000, 9999)}",
                        name,
                        iban,
                        bic,
                        text.format(n=rng.randint(10000, 99999)),
                    )
                ],
            )
        )


def _statements(
    rng: random.Random, account: Account, days: list[date], booked: dict[date, list[Entry]]
) -> list[Statement]:
    statements = []
    balance = account.opening_balance
    numbers: dict[int, int] = {}
    serial = 0
    for period in _periods(account, days, booked):
        entries: list[Entry] = []
        for day in period:
            day_entries = booked.get(day, [])
            rng.shuffle(day_entries)
            for entry in day_entries:
                serial += 1
                entry.reference = _reference(account, day, serial)
                for n, tx in enumerate(entry.txs, start=1):
                    tx.reference = (
                        f"{entry.reference}/{n}" if len(entry.txs) > 1 else entry.reference
                    )
            entries += day_entries
        last = period[-1]
        numbers[last.year] = numbers.get(last.year, 0) + 1
        statement = Statement(
            account,
            last,
            numbers[last.year],
            balance,
            entries,
            period[0] if len(period) > 1 else None,
        )
        balance = statement.closing
        statements.append(statement)
    return statements


def _periods(
    account: Account, days: list[date], booked: dict[date, list[Entry]]
) -> list[list[date]]:
    """The business days each statement covers, per the account's statement cycle."""
    if account.cycle == "daily":
        return [[day] for day in days]
    if account.cycle == "booking_days":
        return [[day] for day in days if booked.get(day)]
    by_month: dict[tuple[int, int], list[date]] = defaultdict(list)
    for day in days:
        by_month[(day.year, day.month)].append(day)
    return list(by_month.values())


def _reference(account: Account, day: date, serial: int) -> str:
    """Unique per account; MT940 bank references are at most 16 characters."""
    if account.format == "mt940":
        return f"{day:%y%m%d}{serial:010d}"
    return f"{account.suffix}{day:%Y%m%d}{serial:08d}"

"""The legal figures of a dunning notice: when default begins, statutory interest, the flat
fee and how a payment is allocated. Pure functions on ``Decimal``; the law itself (rates,
points, fees, periods) is data in ``actions/law/<code>.yaml``.

Conventions (the same as the dbt macros in ``dbt_project/macros/legal/``):

- default (Verzug) begins on the day after the due date; without a due date,
  ``days_after_invoice`` days after receipt of the invoice (BGB §286(3)), for a consumer
  only when the invoice pointed this out (otherwise only a reminder puts them in default);
- interest runs from the first day of default through the as-of date, both included, at the
  reference rate of each period (periods start on 1 January and 1 July) plus the points for
  the party, actual days / 365 (leap years too);
- per-period amounts are summed unrounded and rounded half-up to cents once, at the end;
- a period whose reference rate is not published yet raises :class:`UnknownBaseRate`
  naming the half-year: interest is never guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LAW_DIR = Path(__file__).resolve().parent / "law"
PARTIES = ("business", "consumer", "unknown")


class LawConfigError(ValueError):
    """A law file (or its rate table) is malformed; the message names file and key."""


class UnknownBaseRate(LookupError):
    """Interest reaches into a period whose reference rate is not in the table (yet)."""

    def __init__(self, period_start: date, table: Path):
        self.period_start = period_start
        self.half_year = half_year_label(period_start)
        self.table = table
        super().__init__(
            f"no reference rate for the half-year {self.half_year} (from {period_start}) in "
            f"{_display(table)}: add the published rate; interest reaching into it is not "
            "computed"
        )


def cents(amount: Decimal) -> Decimal:
    """Round half-up to cents (the only rounding: at the end of a computation)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def half_year_label(day: date) -> str:
    return f"{day.year}-H{1 if day.month < 7 else 2}"


def party_of(customer_type: str | None) -> str:
    """``business`` for B2B, ``consumer`` for B2C, ``unknown`` otherwise."""
    kind = (customer_type or "").strip().upper()
    return {"B2B": "business", "B2C": "consumer"}.get(kind, "unknown")


@dataclass(frozen=True)
class RateTable:
    """Reference rates by the day they apply from; each row holds until the next one, the
    last one only for its own period (the next period's rate is not known yet)."""

    rows: tuple[tuple[date, Decimal], ...]
    source: Path
    period_starts: tuple[tuple[int, int], ...] = ((1, 1), (7, 1))

    def rate_for_period(self, period_start: date) -> Decimal:
        if not self.rows or period_start < self.rows[0][0] or period_start > self.rows[-1][0]:
            raise UnknownBaseRate(period_start, self.source)
        rate = self.rows[0][1]
        for valid_from, value in self.rows:
            if valid_from > period_start:
                break
            rate = value
        return rate

    def period_start_of(self, day: date) -> date:
        starts = [date(day.year, m, d) for m, d in self.period_starts]
        before = [s for s in starts if s <= day]
        if before:
            return max(before)
        month, dom = self.period_starts[-1]
        return date(day.year - 1, month, dom)

    def next_period_start(self, day: date) -> date:
        starts = [date(y, m, d) for y in (day.year, day.year + 1) for m, d in self.period_starts]
        return min(s for s in starts if s > day)


@dataclass(frozen=True)
class Law:
    """One jurisdiction's default-interest rules (``actions/law/<code>.yaml``)."""

    code: str
    name: str
    currency: str
    rate_table_path: Path
    rate_date_column: str
    rate_value_column: str
    period_starts: tuple[tuple[int, int], ...]
    points: dict[str, Decimal]
    year_days: int
    flat_fee_amount: Decimal
    flat_fee_parties: tuple[str, ...]
    days_after_invoice: int
    consumer_needs_notice: bool
    source: Path = field(default=LAW_DIR)

    def rates(self) -> RateTable:
        return _load_rates(
            self.rate_table_path, self.rate_date_column, self.rate_value_column, self.period_starts
        )


def load_law(code: str = "de", folder: Path = LAW_DIR) -> Law:
    """Load and validate ``<folder>/<code>.yaml``."""
    path = folder / f"{code}.yaml"
    if not path.exists():
        raise LawConfigError(f"{_display(path)}: no such law file (law {code!r})")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LawConfigError(f"{_display(path)}: not valid YAML: {exc}") from None
    return _parse_law(code, doc, path)


def _parse_law(code: str, doc: object, path: Path) -> Law:
    where = _display(path)

    def need(mapping: object, key: str, prefix: str = "") -> object:
        if not isinstance(mapping, dict) or key not in mapping:
            raise LawConfigError(f"{where}: {prefix}{key}: missing")
        return mapping[key]

    rate = need(doc, "reference_rate")
    points = need(doc, "interest_points")
    fee = need(doc, "flat_fee")
    default = need(doc, "default")
    starts = []
    for text in need(rate, "period_starts", "reference_rate."):
        try:
            month, day = (int(part) for part in str(text).split("-"))
            date(2000, month, day)
        except ValueError:
            raise LawConfigError(
                f"{where}: reference_rate.period_starts: {text!r} is not MM-DD"
            ) from None
        starts.append((month, day))
    parsed_points = {}
    for party in PARTIES:
        parsed_points[party] = _decimal(need(points, party, "interest_points."), where, party)
    parties = tuple(need(fee, "parties", "flat_fee."))
    unknown = [p for p in parties if p not in PARTIES]
    if unknown:
        raise LawConfigError(f"{where}: flat_fee.parties: unknown party {unknown[0]!r}")
    table = PROJECT_ROOT / str(need(rate, "table", "reference_rate."))
    return Law(
        code=code,
        name=str(need(doc, "name")),
        currency=str(need(doc, "currency")),
        rate_table_path=table,
        rate_date_column=str(need(rate, "date_column", "reference_rate.")),
        rate_value_column=str(need(rate, "rate_column", "reference_rate.")),
        period_starts=tuple(sorted(starts)),
        points=parsed_points,
        year_days=int(need(doc, "year_days")),
        flat_fee_amount=_decimal(need(fee, "amount", "flat_fee."), where, "flat_fee.amount"),
        flat_fee_parties=parties,
        days_after_invoice=int(need(default, "days_after_invoice", "default.")),
        consumer_needs_notice=bool(need(default, "consumer_needs_notice", "default.")),
        source=path,
    )


@cache
def _load_rates(
    path: Path, date_column: str, rate_column: str, period_starts: tuple[tuple[int, int], ...]
) -> RateTable:
    if not path.exists():
        raise LawConfigError(f"{_display(path)}: reference rate table not found")
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for line, row in enumerate(reader, start=2):
            try:
                rows.append((date.fromisoformat(row[date_column]), Decimal(row[rate_column])))
            except (KeyError, ValueError, InvalidOperation, TypeError):
                raise LawConfigError(
                    f"{_display(path)}, line {line}: needs {date_column} (YYYY-MM-DD) and "
                    f"{rate_column} (a decimal number)"
                ) from None
    rows.sort()
    return RateTable(tuple(rows), path, period_starts)


def _decimal(value: object, where: str, key: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise LawConfigError(f"{where}: {key}: {value!r} is not a number") from None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# --- default (Verzug) ---------------------------------------------------------------


def default_start(
    due_date: date | None,
    law: Law,
    *,
    party: str = "business",
    invoice_received: date | None = None,
    consumer_notified: bool = False,
    reminder_received: date | None = None,
) -> date | None:
    """The first day of default, or ``None`` while the debtor is not in default.

    With a due date: the day after it (§286(2) no. 1). Without: ``days_after_invoice`` days
    after receipt of the invoice (§286(3)); for a consumer only if the invoice pointed this
    out. A reminder received after the claim fell due puts the debtor in default from the
    day after its receipt (§286(1)), whichever comes first.
    """
    if due_date is not None:
        return due_date + timedelta(days=1)
    candidates = []
    if invoice_received is not None and (
        party == "business" or consumer_notified or not law.consumer_needs_notice
    ):
        candidates.append(invoice_received + timedelta(days=law.days_after_invoice + 1))
    if reminder_received is not None:
        candidates.append(reminder_received + timedelta(days=1))
    return min(candidates) if candidates else None


# --- interest -----------------------------------------------------------------------


@dataclass(frozen=True)
class InterestPeriod:
    start: date
    end: date  # inclusive
    days: int
    rate_percent: Decimal  # reference rate + points
    amount: Decimal  # unrounded


@dataclass(frozen=True)
class Interest:
    amount: Decimal  # rounded to cents
    periods: tuple[InterestPeriod, ...]


def statutory_interest(
    principal: Decimal,
    start: date | None,
    through: date,
    law: Law,
    *,
    party: str,
    rates: RateTable | None = None,
) -> Interest:
    """Interest on ``principal`` from ``start`` through ``through`` (both included).

    Raises :class:`UnknownBaseRate` if any day falls in a period without a known rate.
    """
    if start is None or through < start or principal <= 0:
        return Interest(ZERO, ())
    return interest_on_balances([(start, principal)], through, law, party=party, rates=rates)


def interest_on_balances(
    balances: list[tuple[date, Decimal]],
    through: date,
    law: Law,
    *,
    party: str,
    rates: RateTable | None = None,
) -> Interest:
    """Interest on a balance that changes: ``balances`` lists (from_date, principal) in
    date order, each principal owed from its date until the next entry's date."""
    table = rates or law.rates()
    points = law.points[party]
    periods: list[InterestPeriod] = []
    for index, (start, principal) in enumerate(balances):
        end = balances[index + 1][0] - timedelta(days=1) if index + 1 < len(balances) else through
        end = min(end, through)
        day = start
        while day <= end and principal > 0:
            period_end = min(end, table.next_period_start(day) - timedelta(days=1))
            rate = table.rate_for_period(table.period_start_of(day)) + points
            days = (period_end - day).days + 1
            amount = principal * rate * days / (Decimal(100) * law.year_days)
            periods.append(InterestPeriod(day, period_end, days, rate, amount))
            day = period_end + timedelta(days=1)
    return Interest(cents(sum((p.amount for p in periods), Decimal(0))), tuple(periods))


# --- fees ---------------------------------------------------------------------------


def flat_fee(law: Law, *, party: str, already_charged: bool) -> Decimal:
    """The flat fee per claim in default (§288(5)): once, and only for the parties the law
    names (businesses in Germany)."""
    if already_charged or party not in law.flat_fee_parties:
        return ZERO
    return cents(law.flat_fee_amount)


# --- allocation of a payment (§367) ---------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    costs: Decimal
    interest: Decimal
    principal: Decimal
    surplus: Decimal  # paid beyond the whole claim


def allocate_payment(
    payment: Decimal, *, costs: Decimal, interest: Decimal, principal: Decimal
) -> Allocation:
    """Split a payment that does not cover the whole claim: first costs (fees), then
    interest, then the principal (BGB §367(1)); what remains is a surplus."""
    remaining = payment
    parts = []
    for owed in (costs, interest, principal):
        part = min(remaining, max(owed, ZERO))
        parts.append(part)
        remaining -= part
    return Allocation(parts[0], parts[1], parts[2], remaining)

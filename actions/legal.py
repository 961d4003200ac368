"""The law of a dunning notice as data: ``actions/law/<code>.yaml`` (points, year days, flat
fee, when default begins) and its reference-rate table, loaded and validated here; the flat
fee and how a payment is allocated are pure functions on ``Decimal``.

Statutory interest has one home, the warehouse: ``int_open_items_interest_accrued`` computes
when default began and the interest accrued per document and law (``marts.fct_interest_accrued``)
and the dunning engine reads it. The warehouse reads the law through two dbt seeds this
module generates from the YAML (``legal_terms.csv``, ``legal_reference_rates.csv``, for the
laws the procedures use); ``python -m actions.legal`` checks that they agree and
``--write-seeds`` rewrites them after a law file or a rate table changed.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT, SEEDS_DIR

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LAW_DIR = Path(__file__).resolve().parent / "law"
PARTIES = ("business", "consumer", "unknown")


class LawConfigError(ValueError):
    """A law file (or its rate table) is malformed; the message names file and key."""


def cents(amount: Decimal) -> Decimal:
    """Round half-up to cents (the only rounding: at the end of a computation)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def party_of(customer_type: str | None) -> str:
    """``business`` for B2B, ``consumer`` for B2C, ``unknown`` otherwise (the warehouse's
    ``legal_party`` macro maps the same way)."""
    kind = (customer_type or "").strip().upper()
    return {"B2B": "business", "B2C": "consumer"}.get(kind, "unknown")


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

    def rates(self) -> tuple[tuple[date, Decimal], ...]:
        """The reference rates by the day they apply from, in date order."""
        return _load_rates(self.rate_table_path, self.rate_date_column, self.rate_value_column)


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
def _load_rates(path: Path, date_column: str, rate_column: str) -> tuple[tuple[date, Decimal], ...]:
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
    return tuple(sorted(rows))


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


# --- the dbt seeds --------------------------------------------------------------------

LOOKUPS_DIR = SEEDS_DIR / "reference" / "lookups"
TERMS_SEED = LOOKUPS_DIR / "legal_terms.csv"
RATES_SEED = LOOKUPS_DIR / "legal_reference_rates.csv"
TERMS_COLUMNS = (
    "law_code",
    "party",
    "currency",
    "interest_points",
    "year_days",
    "claims_flat_fee",
    "flat_fee_amount",
    "days_after_invoice",
    "consumer_needs_notice",
)
RATES_COLUMNS = ("law_code", "valid_from", "rate_percent")
#: the periods the warehouse splits interest at (int_base_rate_periods): half-years
HALF_YEARS = ((1, 1), (7, 1))


def laws_in_use() -> dict[str, Law]:
    """The laws the dunning procedures name, loaded (an unknown law is a LawConfigError)."""
    from actions.policy import load_policy  # the policy names laws; the law never needs it

    codes = sorted({p.law for p in load_policy().procedures.values()})
    return {code: load_law(code) for code in codes}


def seed_rows(laws: dict[str, Law]) -> dict[Path, list[dict[str, str]]]:
    """The rows of both seeds the law files imply, as the seeds' text."""
    terms, rates = [], []
    for code, law in sorted(laws.items()):
        if law.period_starts != HALF_YEARS:
            raise LawConfigError(
                f"{_display(law.source)}: reference_rate.period_starts: the warehouse splits "
                "interest at 1 January and 1 July only (int_base_rate_periods)"
            )
        for party in PARTIES:
            values = (
                code,
                party,
                law.currency,
                f"{law.points[party]:.2f}",
                law.year_days,
                str(party in law.flat_fee_parties).lower(),
                f"{law.flat_fee_amount:.2f}",
                law.days_after_invoice,
                str(law.consumer_needs_notice).lower(),
            )
            terms.append(dict(zip(TERMS_COLUMNS, map(str, values), strict=True)))
        for valid_from, rate in law.rates():
            values = (code, valid_from.isoformat(), f"{rate:.2f}")
            rates.append(dict(zip(RATES_COLUMNS, values, strict=True)))
    return {TERMS_SEED: terms, RATES_SEED: rates}


def _seed_text(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_seed(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Keep the law seeds (legal_terms.csv, legal_reference_rates.csv) in step "
        "with actions/law/*.yaml and their rate tables."
    )
    parser.add_argument("--write-seeds", action="store_true", help="rewrite both seeds")
    args = parser.parse_args(argv)
    wanted = seed_rows(laws_in_use())
    columns = {TERMS_SEED: TERMS_COLUMNS, RATES_SEED: RATES_COLUMNS}
    if args.write_seeds:
        for path, rows in wanted.items():
            path.write_text(_seed_text(columns[path], rows), encoding="utf-8")
            print(f"wrote {_display(path)}")
        return 0
    stale = [path for path, rows in wanted.items() if not path.exists() or read_seed(path) != rows]
    for path in stale:
        print(
            f"{_display(path)} differs from {_display(LAW_DIR)}: run python -m actions.legal "
            "--write-seeds",
            file=sys.stderr,
        )
    if stale:
        return 1
    print("law seeds and law files agree")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Credit bureau reports that see what the payment data shows: scores worsen as a customer
drifts towards default, and an insolvency filing sets the insolvency flag.

Creditreform (quarterly, CSV, by customer id and VAT id) covers DACH and the Netherlands;
CRIF (quarterly, JSON, by VAT id only) covers France, the UK, Switzerland and Austria.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tools.generate.config import CompanyConfig
from tools.generate.dates import next_business_day
from tools.generate.model import (
    CHRONICALLY_LATE,
    DISPUTING,
    DRIFTING,
    INSOLVENT,
    PUNCTUAL,
    SLIGHTLY_LATE,
    Customer,
)

BASE_RISK = {
    PUNCTUAL: 0.08,
    SLIGHTLY_LATE: 0.18,
    CHRONICALLY_LATE: 0.36,
    DISPUTING: 0.22,
    DRIFTING: 0.2,
    INSOLVENT: 0.24,
}
CREDITREFORM_COUNTRIES = ("DE", "AT", "CH", "NL")
CRIF_COUNTRIES = ("FR", "GB", "CH", "AT")
#: Probability of default per Creditreform class (index band of 50 points).
PD_BY_CLASS = {
    1: Decimal("0.0030"),
    2: Decimal("0.0065"),
    3: Decimal("0.0120"),
    4: Decimal("0.0250"),
    5: Decimal("0.0600"),
    6: Decimal("0.1800"),
}


@dataclass(frozen=True)
class BureauReport:
    customer_id: str | None
    vat_id: str
    bureau: str
    report_date: date
    score: int
    score_scale: str
    rating_class: str
    probability_of_default: Decimal
    recommended_limit: Decimal
    insolvency: bool
    negative_features: tuple[str, ...]


def report_dates(config: CompanyConfig, months_of_year: tuple[int, ...], day: int) -> list[date]:
    dates = []
    for year in range(config.start_date.year, config.end.year + 1):
        for month in months_of_year:
            when = next_business_day(date(year, month, day))
            if config.start_date <= when <= config.end:
                dates.append(when)
    return dates


def risk(customer: Customer, day: date, noise: float) -> float:
    """0 (safest) .. 1 (failing): the customer's hidden state as a bureau would infer it."""
    value = BASE_RISK[customer.personality] + noise
    if customer.personality == DRIFTING and customer.drift_start and day > customer.drift_start:
        span = (
            max(1, (customer.stop_date - customer.drift_start).days) if customer.stop_date else 180
        )
        value += 0.5 * min(1.0, (day - customer.drift_start).days / span)
        if customer.stop_date and day > customer.stop_date:
            value += 0.15
    if customer.personality == INSOLVENT and customer.stop_date:
        warning = customer.stop_date - timedelta(days=90)
        if day > warning:
            value += 0.45 * min(1.0, (day - warning).days / 90)
    return min(max(value, 0.01), 0.99)


def _features(customer: Customer, day: date) -> tuple[str, ...]:
    features: list[str] = []
    late = customer.personality == CHRONICALLY_LATE or (
        customer.drift_start is not None and day > customer.drift_start + timedelta(days=60)
    )
    if late:
        features.append("Zahlungsweise schleppend")
    if customer.stop_date and day > customer.stop_date:
        features.append(
            "Inkasso-Verfahren" if customer.personality == DRIFTING else "Zahlungseinstellung"
        )
    if customer.insolvency_date and day >= customer.insolvency_date:
        features.append("Insolvenzantrag")
    return tuple(features)


def _limit(customer: Customer, value: float) -> Decimal:
    base = Decimal(customer.median_net_cents) / 100 * 8 * Decimal(str(round(1 - value, 2)))
    return ((base / 500).to_integral_value(ROUND_HALF_UP) * 500).quantize(Decimal("0.01"))


def creditreform(customer: Customer, day: date, rng: random.Random) -> BureauReport:
    value = risk(customer, day, rng.uniform(-0.06, 0.06))
    insolvent = customer.insolvency_date is not None and day >= customer.insolvency_date
    hard = (
        customer.personality == DRIFTING
        and customer.stop_date is not None
        and day > customer.stop_date
    )
    index = 600 if insolvent else 500 if hard else min(499, round(100 + value * 400))
    klass = min(6, (index - 100) // 50 + 1) if index < 500 else 6
    pd = (
        Decimal("1.0000")
        if insolvent
        else Decimal("0.6000")
        if hard
        else (PD_BY_CLASS[klass] * (1 + Decimal(index % 50) / 100)).quantize(Decimal("0.0001"))
    )
    return BureauReport(
        customer.customer_id,
        customer.vat_id,
        "creditreform",
        day,
        index,
        "100-600 (lower is better)",
        str(klass),
        pd,
        Decimal("0.00") if index >= 500 else _limit(customer, value),
        insolvent,
        _features(customer, day),
    )


def crif(customer: Customer, day: date, rng: random.Random) -> BureauReport:
    value = risk(customer, day, rng.uniform(-0.05, 0.05))
    insolvent = customer.insolvency_date is not None and day >= customer.insolvency_date
    score = 0 if insolvent else round(1000 - value * 900)
    klass = (
        "E"
        if score < 300
        else "D"
        if score < 500
        else "C"
        if score < 650
        else "B"
        if score < 800
        else "A"
    )
    pd = (
        Decimal("1.0000")
        if insolvent
        else Decimal(str(round(value**3 * 0.8, 4))).quantize(Decimal("0.0001"))
    )
    vat = customer.vat_id
    if vat.startswith(("DE", "FR", "GB")) and rng.random() < 0.5:
        vat = f"{vat[:2]} {vat[2:5]} {vat[5:8]} {vat[8:]}"  # as typed into the bureau's form
    return BureauReport(
        None,
        vat,
        "crif",
        day,
        score,
        "0-1000 (higher is better)",
        klass,
        pd,
        Decimal("0.00") if insolvent else _limit(customer, value),
        insolvent,
        _features(customer, day),
    )


def build_reports(
    config: CompanyConfig, customers: list[Customer]
) -> dict[str, list[BureauReport]]:
    """Reports keyed by file name (bureau_creditreform_<YYYY-MM>.csv, bureau_crif_<...>.json)."""
    rng = config.rng("bureau")
    files: dict[str, list[BureauReport]] = {}
    business = [c for c in customers if c.customer_type == "B2B" and c.vat_id]
    for day in report_dates(config, (1, 4, 7, 10), 1):
        files[f"bureau_creditreform_{day:%Y-%m}.csv"] = [
            creditreform(c, day, rng)
            for c in business
            if c.country in CREDITREFORM_COUNTRIES and c.active_from <= day + timedelta(days=30)
        ]
    for day in report_dates(config, (2, 5, 8, 11), 15):
        files[f"bureau_crif_{day:%Y-%m}.json"] = [
            crif(c, day, rng)
            for c in business
            if c.country in CRIF_COUNTRIES and c.active_from <= day + timedelta(days=30)
        ]
    return files

"""What a generated company looks like: size, period and the fixed facts about its entities."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from tools.generate.dates import years_before

#: Invoices per customer over the default two years when ``invoices`` is not given; chosen
#: so the committed sample (150 customers) stays well under its 5 MB budget.
DEFAULT_INVOICES_PER_CUSTOMER = 11

ENTITY_NAMES = {"FW01": "Forderwerk Handels GmbH", "FW02": "Forderwerk Schweiz AG"}
COLLECTORS = ("Anna Becker", "Jonas Weber", "Lena Huber", "Claire Dubois")
CREDIT_MANAGER = "Martin Vogt"


#: The bundled sample's last business day: the newest ECB reference rate bundled in
#: seeds/reference, so every amount of the sample converts to EUR without a stale rate.
SAMPLE_END = date(2026, 10, 30)


@dataclass(frozen=True)
class CompanyConfig:
    """The arguments of :func:`tools.generate.generate_company`; equal configs give
    byte-identical output."""

    seed: int = 42
    customers: int = 150
    invoices: int | None = None
    start: date | None = None
    end: date = SAMPLE_END

    def __post_init__(self) -> None:
        if self.customers < 1:
            raise ValueError("customers must be at least 1")
        if self.invoices is not None and self.invoices < 0:
            raise ValueError("invoices must not be negative")
        if self.start_date >= self.end:
            raise ValueError(f"start {self.start_date} must be before end {self.end}")

    @property
    def start_date(self) -> date:
        return self.start if self.start is not None else years_before(self.end, 2)

    @property
    def period_days(self) -> int:
        return (self.end - self.start_date).days

    @property
    def invoice_count(self) -> int:
        if self.invoices is not None:
            return self.invoices
        scale = self.period_days / 730
        return round(self.customers * DEFAULT_INVOICES_PER_CUSTOMER * scale)

    def rng(self, stream: str) -> random.Random:
        """An independent random stream per purpose, so changing one part of the generator
        does not reshuffle the others (string seeds are hashed with SHA-512: stable)."""
        return random.Random(f"forderwerk/{self.seed}/{stream}")

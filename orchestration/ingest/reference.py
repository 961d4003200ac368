"""Reference data: ECB euro foreign-exchange reference rates in the ECB's own CSV layout."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from orchestration.ingest.errors import Issue, raise_issues


def parse_ecb_rates(data: bytes, file_name: str) -> list[dict[str, object]]:
    """``eurofxref-hist.csv``: one row per day, one column per currency, units per 1 EUR.

    The ECB ends every line with a comma and writes ``N/A`` for currencies it no longer
    quotes; both are part of the layout, not errors. Rates stay exact Decimals.
    """
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = [h.strip() for h in next(reader, [])]
    if not header or header[0] != "Date":
        raise_issues([Issue(file_name, "line 1", "Date", "not the ECB layout (first column Date)")])
    currencies = [(i, c) for i, c in enumerate(header) if i > 0 and c]
    # Withdrawn currencies (CYP, DEM's successors, BGN since 2026) stay in the history,
    # so a column needs the shape of an ISO 4217 code, not a current one.
    issues = [
        Issue(file_name, "line 1", c, "not an ISO 4217 currency code")
        for _, c in currencies
        if not re.fullmatch(r"[A-Z]{3}", c)
    ]
    rows: list[dict[str, object]] = []
    for values in reader:
        line = f"line {reader.line_num}"
        if not values or not values[0].strip():
            continue
        try:
            day = date.fromisoformat(values[0].strip())
        except ValueError:
            issues.append(Issue(file_name, line, "Date", f"{values[0]!r} is not a date"))
            continue
        for index, currency in currencies:
            text = values[index].strip() if index < len(values) else ""
            if text in ("", "N/A"):
                continue
            try:
                rate = Decimal(text)
            except InvalidOperation:
                issues.append(Issue(file_name, line, currency, f"{text!r} is not a rate"))
                continue
            if rate <= 0:
                issues.append(Issue(file_name, line, currency, f"{text!r} is not positive"))
                continue
            rows.append({"rate_date": day, "currency": currency, "units_per_eur": rate})
    raise_issues(issues)
    return rows

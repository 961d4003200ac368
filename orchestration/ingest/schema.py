"""Column schemas for tabular sources and the validator that types their records.

One declarative list per entity keeps the contract of DESIGN.md ("Inputs") in one place;
the validator collects every issue of a file before refusing it, so a user fixes an
export in one go instead of one error per attempt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from orchestration.ingest.codes import is_country, is_currency, parse_amount, parse_number
from orchestration.ingest.errors import Issue
from orchestration.ingest.tabular import Records

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TRUE = {"true", "1", "yes", "y", "ja", "j", "wahr", "x"}
_FALSE = {"false", "0", "no", "n", "nein", "falsch", ""}


@dataclass(frozen=True)
class Column:
    """One input column: its kind decides parsing; ``choices`` restricts codes.

    ``required`` is about the value (may it be empty?), ``may_be_absent`` about the column
    (may a file leave it out?). They differ on purpose: an ERP delta that leaves out an
    optional column such as ``due_date`` would replace every earlier version of its rows
    with an empty value, so contract columns must be present even where they may be empty.
    """

    name: str
    kind: str = "text"  # text|code|date|timestamp|amount|int|bool|currency|country|iban|decimal
    required: bool = True
    may_be_absent: bool = False
    choices: frozenset[str] | None = None
    lower: bool = False  # normalise codes to lower case before checking ``choices``
    #: an invalid value is loaded as given with a warning, not refused (master data the
    #: receivables do not depend on, such as a customer's known IBAN)
    warn_only: bool = False


def _parse_date(text: str, decimal_comma: bool) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _GERMAN_DATE.match(text) if decimal_comma else None
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a valid date (YYYY-MM-DD)")


def _parse_timestamp(text: str, decimal_comma: bool) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.combine(_parse_date(text, decimal_comma), datetime.min.time())
    # The warehouse keeps naive UTC timestamps; an offset given in the file is honoured.
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _parse_int(text: str, _: bool) -> int:
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def _parse_decimal(text: str, decimal_comma: bool) -> Decimal:
    """A plain number (score, probability) that is not money: any precision, exact, strict."""
    return parse_number(text, decimal_comma=decimal_comma)


def _parse_bool(text: str, _: bool) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true/false")


def _parse_iban(text: str, _: bool) -> str:
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as exc:
        raise ValueError(f"{text!r} is not a valid IBAN ({exc})") from None


def _parse_code(check: Callable[[str], bool], what: str) -> Callable[[str, bool], str]:
    def parse(text: str, _: bool) -> str:
        code = text.upper()
        if not check(code):
            raise ValueError(f"{text!r} is not an ISO {what} code")
        return code

    return parse


_PARSERS: dict[str, Callable[[str, bool], object]] = {
    "text": lambda text, _: text,
    "code": lambda text, _: text,
    "date": _parse_date,
    "timestamp": _parse_timestamp,
    "amount": lambda text, comma: parse_amount(text, decimal_comma=comma),
    "decimal": _parse_decimal,
    "int": _parse_int,
    "bool": _parse_bool,
    "currency": _parse_code(is_currency, "4217 currency"),
    "country": _parse_code(is_country, "3166 country"),
    "iban": _parse_iban,
}


def validate_records(
    records: Records,
    columns: list[Column],
    file_name: str,
    warnings: list[Issue] | None = None,
) -> tuple[list[dict[str, object]], list[Issue]]:
    """Type every record; return the typed rows (with ``_line``) and every issue found.
    Invalid values of ``warn_only`` columns are kept as given and reported in
    ``warnings`` (a list the caller passes) instead."""
    issues: list[Issue] = []
    known = {c.name for c in columns}
    present = set(records.columns)
    for column in columns:
        if column.name in present or column.may_be_absent:
            continue
        reason = "required column is missing"
        if not column.required:
            reason += (
                " (its values may be empty, but a file without the column would replace"
                " the earlier values of its rows with nothing)"
            )
        issues.append(Issue(file_name, "line 1", column.name, reason))
    if issues:
        return [], issues
    typed_rows: list[dict[str, object]] = []
    for location, values in records.rows:
        typed: dict[str, object] = {"_line": location}
        for column in columns:
            text = (values.get(column.name) or "").strip()
            if column.lower:
                text = text.lower()
            if not text:
                if column.required:
                    issues.append(Issue(file_name, location, column.name, "is empty"))
                typed[column.name] = None if column.kind != "bool" else False
                continue
            if column.choices is not None and text not in column.choices:
                allowed = ", ".join(sorted(column.choices))
                issues.append(
                    Issue(file_name, location, column.name, f"{text!r} is not one of {allowed}")
                )
                continue
            try:
                typed[column.name] = _PARSERS[column.kind](text, records.decimal_comma)
            except ValueError as exc:
                if column.warn_only and warnings is not None:
                    typed[column.name] = text
                    warnings.append(
                        Issue(file_name, location, column.name, f"{exc}; loaded as given")
                    )
                else:
                    issues.append(Issue(file_name, location, column.name, str(exc)))
        typed["_extra"] = {k: v for k, v in values.items() if k not in known and v} or None
        typed_rows.append(typed)
    return typed_rows, issues


def check_unique(rows: list[dict[str, object]], key: str, file_name: str) -> list[Issue]:
    """Two rows with one key in one file: which one the sender meant is unknowable."""
    first_seen: dict[object, str] = {}
    issues = []
    for row in rows:
        value = row.get(key)
        if value is None:
            continue
        if value in first_seen:
            issues.append(
                Issue(
                    file_name,
                    str(row["_line"]),
                    key,
                    f"duplicate key {value!r} (first at {first_seen[value]})",
                )
            )
        else:
            first_seen[value] = str(row["_line"])
    return issues

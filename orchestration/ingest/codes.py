"""ISO 4217 currency and ISO 3166 country codes (pycountry); numbers parsed strictly."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import pycountry
from babel.numbers import NumberFormatError, parse_decimal

#: DECIMAL(18,2) is the warehouse contract: an amount with more decimals is refused.
AMOUNT_DECIMALS = 2


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_currency(code: str) -> bool:
    return code in currency_codes()


def is_country(code: str) -> bool:
    return code in country_codes()


#: The only characters a number may hold in any convention we read: no exponent ("1e5"),
#: no underscores or spaces (both accepted by ``Decimal``), no NaN, no non-ASCII digits.
_NUMBER_CHARS = re.compile(r"[+-]?[0-9.,]+")
#: Decimal point without grouping: XML Schema's xs:decimal (camt) and our contract's CSV.
_POINT_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_COMMA_EXAMPLE = "1.234,56 or 1234,56"


def parse_number(text: str, *, decimal_comma: bool = False) -> Decimal:
    """Parse a number strictly in one convention; never reinterpret it in another.

    Decimal point (the contract, XML): digits with at most one ``.``, no thousands separator,
    so "1,000.00" is refused rather than guessed. Decimal comma (German ``;`` exports, SWIFT):
    babel's strict parser for German, which accepts "1.234,56" and "1234,56" but refuses
    "119.00", "1.2.3,45" and "12.34,56" - a dot where a thousands separator cannot stand
    means the writer used another convention, and guessing moves money by a factor of 100.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("is empty")
    if not _NUMBER_CHARS.fullmatch(raw):
        raise ValueError(f"{raw!r} is not a number")
    if decimal_comma:
        return _parse_decimal_comma(raw)
    if "," in raw:
        raise ValueError(
            f"{raw!r} contains a comma; this file uses a decimal point and no thousands separator"
        )
    if not _POINT_NUMBER.fullmatch(raw):
        raise ValueError(f"{raw!r} is not a number with a decimal point")
    return Decimal(raw)


def _parse_decimal_comma(raw: str) -> Decimal:
    sign, digits = (raw[0], raw[1:]) if raw[0] in "+-" else ("", raw)
    if not digits or digits[0] in ".,":
        raise ValueError(f"{raw!r} is not a number in this file's decimal-comma convention")
    try:
        value = parse_decimal(digits, locale="de_DE", strict=True)
    except NumberFormatError:
        raise ValueError(
            f"{raw!r} is not a number in this file's decimal-comma convention "
            f"({_COMMA_EXAMPLE}); refused rather than guessed"
        ) from None
    return -value if sign == "-" else value


def parse_amount(text: str, *, decimal_comma: bool = False) -> Decimal:
    """Parse a money amount exactly (see :func:`parse_number`); at most two decimals.

    DECIMAL(18,2) is the warehouse contract, so a finer amount is refused, not rounded.
    """
    value = parse_number(text, decimal_comma=decimal_comma)
    raw = text.strip()
    if value.as_tuple().exponent < -AMOUNT_DECIMALS and value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{raw!r} has more than {AMOUNT_DECIMALS} decimals")
    if abs(value) >= Decimal("1e16"):
        raise ValueError(f"{raw!r} is too large for DECIMAL(18,2)")
    return value.quantize(Decimal("0.01"))

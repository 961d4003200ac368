"""ISO 4217 currency, ISO 3166 country codes and money amounts, checked against pycountry."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

import pycountry

#: Minor units of the currencies whose amounts we may see with other than 2 decimals.
#: DECIMAL(18,2) is the warehouse contract, so a finer amount is refused, not rounded.
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


def parse_amount(text: str, *, decimal_comma: bool = False) -> Decimal:
    """Parse an amount exactly; raise ValueError with a reason a user understands.

    With ``decimal_comma`` (German exports) "1.234,56" means 1234.56; otherwise "1,234.56"
    is refused rather than guessed, because a wrong guess moves money by a factor of 1000.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("is empty")
    if decimal_comma:
        normalised = raw.replace(".", "").replace(",", ".")
    else:
        if "," in raw:
            raise ValueError(f"{raw!r} contains a comma; use a decimal point")
        normalised = raw
    try:
        value = Decimal(normalised)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a finite number")
    if value.as_tuple().exponent < -AMOUNT_DECIMALS and value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{raw!r} has more than {AMOUNT_DECIMALS} decimals")
    if abs(value) >= Decimal("1e16"):
        raise ValueError(f"{raw!r} is too large for DECIMAL(18,2)")
    return value.quantize(Decimal("0.01"))

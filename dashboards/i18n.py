"""Message catalogs and locale-aware formatting for the app.

Texts live in ``locales/<language>.yaml`` (nested keys, looked up as ``"page.key"``); a new
language is a new file. Amounts are always shown with their currency and, like dates,
formatted by babel for the catalog's locale (``_meta.locale``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date, format_datetime, get_date_format
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "de"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@functools.cache
def _catalog(language: str) -> dict[str, str]:
    path = LOCALES_DIR / f"{language}.yaml"
    if not path.is_file():
        raise ValueError(f"no message catalog for language {language!r} in {LOCALES_DIR}")
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def available_languages() -> dict[str, str]:
    """Language code -> its own name (``de`` -> ``Deutsch``), from the catalog files."""
    languages = {}
    for path in sorted(LOCALES_DIR.glob("*.yaml")):
        languages[path.stem] = _catalog(path.stem).get("_meta.name", path.stem)
    return languages


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Translator:
    """Texts and number/date formats of one language."""

    language: str = DEFAULT_LANGUAGE

    @property
    def locale(self) -> str:
        return _catalog(self.language).get("_meta.locale", self.language)

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key``; falls back to English, then to the key itself."""
        text = _catalog(self.language).get(key)
        if text is None and self.language != "en":
            text = _catalog("en").get(key)
        if text is None:
            return key
        return text.format(**values) if values else text

    def label(self, group: str, code: object) -> str:
        """A code from the data (bucket, reason, role ...) in words, or the code itself."""
        if _missing(code):
            return ""
        key = f"{group}.{code}"
        text = self(key)
        return str(code) if text == key else text

    def group(self, group: str) -> dict[str, str]:
        """Every code of a group with its text (``dispute_reasons`` -> {code: text}),
        in catalog order; codes come from English when this catalog lacks them."""
        prefix = f"{group}."
        codes = {k[len(prefix) :]: v for k, v in _catalog("en").items() if k.startswith(prefix)}
        own = {
            k[len(prefix) :]: v for k, v in _catalog(self.language).items() if k.startswith(prefix)
        }
        return {code: own.get(code, text) for code, text in {**codes, **own}.items()}

    def money(self, amount: object, currency: object) -> str:
        if _missing(amount):
            return ""
        return format_currency(Decimal(str(amount)), str(currency or ""), locale=self.locale)

    def number(self, value: object, digits: int = 0) -> str:
        if _missing(value):
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(Decimal(str(value)), format=pattern, locale=self.locale)

    def percent(self, fraction: object, digits: int = 1) -> str:
        """A fraction as percent in the locale's pattern (``25,3 %``, ``25.3%``)."""
        if _missing(fraction):
            return ""
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        if digits:  # decimals after the pattern's last digit: "#,##0 %" -> "#,##0.0 %"
            pattern = re.sub(r"0(?!.*0)", "0." + "0" * digits, pattern, count=1)
        return format_percent(Decimal(str(fraction)), format=pattern, locale=self.locale)

    def date(self, value: object) -> str:
        if _missing(value):
            return ""
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            value = date.fromisoformat(str(value)[:10])
        return format_date(value, format="medium", locale=self.locale)

    def timestamp(self, value: object) -> str:
        if _missing(value):
            return ""
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(str(value))
        return format_datetime(value, format="short", locale=self.locale)

    def d3_date_format(self) -> str:
        """The locale's short numeric date as a Plotly (d3) tick format: ``%d.%m.%y``."""
        pattern = get_date_format("short", locale=self.locale).pattern
        tokens = {"yyyy": "%Y", "yy": "%y", "y": "%Y", "MM": "%m", "M": "%m", "dd": "%d", "d": "%d"}
        return re.sub(r"y+|M+|d+", lambda m: tokens.get(m.group(0), m.group(0)), pattern)

    def separators(self) -> str:
        """Plotly's ``separators`` (decimal then group symbol) for this locale."""
        return get_decimal_symbol(self.locale) + get_group_symbol(self.locale)

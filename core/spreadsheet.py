"""The one rule for text cells of every CSV or XLSX Forderwerk writes (app downloads,
outbox worklists, print manifests, agency files): a cell a spreadsheet would run as a
formula is written with a leading apostrophe, as OWASP recommends against CSV injection.

A formula may hide behind leading blanks or line breaks, and spreadsheets also take the
full-width forms of ``=``, ``+``, ``-`` and ``@`` (Excel's IME input); a plain number such as
``-12.50`` is no formula and stays as it is, so amounts read back as numbers.
"""

from __future__ import annotations

import re

#: what starts a formula: the ASCII signs and their full-width forms
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: what may stand before it and still be skipped by a spreadsheet
_LEADING = " \t\r\n\u00a0\u3000"
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or a control sequence)."""
    if not text or _PLAIN_NUMBER.match(text):
        return False
    if text[0] in "\t\r\n":
        return True
    return text.lstrip(_LEADING)[:1] in FORMULA_STARTS


def neutralise(value: object) -> object:
    """A text cell that cannot start a formula; other values (numbers, dates) unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value

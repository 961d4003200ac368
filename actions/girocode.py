"""The GiroCode (EPC QR code, EPC069-12 version 002) printed on letters, and the ISO 11649
structured creditor reference (RF) it carries."""

from __future__ import annotations

import re
from decimal import Decimal

import segno
import segno.helpers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

MAX_AMOUNT = Decimal("999999999.99")


def rf_reference(text: str) -> str:
    """The ISO 11649 creditor reference for ``text`` (letters and digits, up to 21):
    ``RF`` + two check digits (ISO 7064 mod 97-10, python-stdnum) + the text, upper case."""
    body = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if not 0 < len(body) <= 21:
        raise ValueError(f"an RF reference carries 1 to 21 letters or digits, got {text!r}")
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def is_rf_reference(text: str | None) -> bool:
    """A valid ISO 11649 creditor reference (python-stdnum), spaces allowed."""
    return bool(text) and iso11649.is_valid(text)


def epc_qr(*, name: str, iban: str, amount: Decimal, reference: str, bic: str = "") -> segno.QRCode:
    """The EPC QR code for a SEPA credit transfer in EUR with a structured RF reference,
    made by segno's EPC helper (UTF-8, error correction M). Checked first what the helper
    leaves out: the amount in cents, the IBAN (schwifty), the reference (ISO 11649,
    python-stdnum), and the version limit of EPC069-12 (13) after."""
    amount = Decimal(amount)
    if not Decimal("0.01") <= amount <= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"an EPC amount is 0.01 to {MAX_AMOUNT} EUR in cents, got {amount}")
    if not is_rf_reference(reference):
        raise ValueError(f"{reference!r} is not a valid ISO 11649 (RF) reference")
    try:
        account = IBAN(iban)
    except SchwiftyException as exc:
        raise ValueError(f"{iban!r} is not a valid IBAN ({exc})") from None
    qr = segno.helpers.make_epc_qr(
        name=name.strip(),
        iban=str(account.compact),
        amount=amount,
        reference=iso11649.compact(reference),
        bic=bic or None,
        encoding="utf-8",
    )
    if qr.version > 13:
        raise ValueError(f"EPC QR codes are at most version 13, got {qr.designator}")
    return qr


def epc_png_data_uri(qr: segno.QRCode) -> str:
    """A PNG data URI of the code, one pixel per module with the four-module quiet zone,
    for a letter: the letter's CSS scales it to 30 mm without interpolation
    (``image-rendering: pixelated``), so the modules print as sharp squares. An SVG of the
    same code cost WeasyPrint 5 ms per letter to parse its path."""
    return qr.png_data_uri(scale=1, border=4)

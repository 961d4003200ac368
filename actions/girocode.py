"""The GiroCode (EPC QR code, EPC069-12 version 002) printed on letters, and the ISO 11649
structured creditor reference (RF) it carries."""

from __future__ import annotations

import re
from decimal import Decimal

import segno

MAX_AMOUNT = Decimal("999999999.99")


def rf_reference(text: str) -> str:
    """The ISO 11649 creditor reference for ``text`` (letters and digits, up to 21):
    ``RF`` + two check digits + the text, upper case."""
    body = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if not 0 < len(body) <= 21:
        raise ValueError(f"an RF reference carries 1 to 21 letters or digits, got {text!r}")
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    return f"RF{98 - int(digits) % 97:02d}{body}"


def is_rf_reference(text: str | None) -> bool:
    body = (text or "").replace(" ", "").upper()
    if not re.fullmatch(r"RF\d\d[0-9A-Z]{1,21}", body):
        return False
    digits = "".join(str(int(ch, 36)) for ch in body[4:] + body[:4])
    return int(digits) % 97 == 1


def epc_payload(*, name: str, iban: str, amount: Decimal, reference: str, bic: str = "") -> str:
    """The EPC QR payload (UTF-8, character set 1) for a SEPA credit transfer in EUR with a
    structured RF reference: ``BCD/002/1/SCT/BIC/name/IBAN/EUR<amount>/purpose/reference``."""
    amount = Decimal(amount)
    if not Decimal("0.01") <= amount <= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"an EPC amount is 0.01 to {MAX_AMOUNT} EUR in cents, got {amount}")
    if not is_rf_reference(reference):
        raise ValueError(f"{reference!r} is not a valid ISO 11649 (RF) reference")
    if not 0 < len(name.strip()) <= 70:
        raise ValueError("the payee name must have 1 to 70 characters")
    if bic and len(bic) not in (8, 11):
        raise ValueError(f"a BIC has 8 or 11 characters, got {bic!r}")
    lines = [
        "BCD",
        "002",
        "1",  # UTF-8
        "SCT",
        bic,
        name.strip(),
        iban.replace(" ", "").upper(),
        f"EUR{amount:.2f}",
        "",  # purpose code
        reference.replace(" ", "").upper(),
    ]
    payload = "\n".join(lines)
    if len(payload.encode("utf-8")) > 331:
        raise ValueError("EPC payload longer than 331 bytes")
    return payload


def epc_qr(payload: str) -> segno.QRCode:
    """The QR symbol for a payload: error correction M, at most version 13 (EPC069-12)."""
    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    if qr.version > 13:
        raise ValueError(f"EPC QR codes are at most version 13, got {qr.designator}")
    return qr


def epc_png_data_uri(payload: str) -> str:
    """A PNG data URI of the code, one pixel per module with the four-module quiet zone,
    for a letter: the letter's CSS scales it to 30 mm without interpolation
    (``image-rendering: pixelated``), so the modules print as sharp squares. An SVG of the
    same code cost WeasyPrint 5 ms per letter to parse its path."""
    return epc_qr(payload).png_data_uri(scale=1, border=4)

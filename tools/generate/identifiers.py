"""Valid-by-construction identifiers: VAT ids, IBANs, RF creditor references, SEPA creditor id.

Check digits are computed with python-stdnum / schwifty rather than hard-coded, so every
identifier passes the same validators the ingestion uses, and invalid data in tests is always
deliberate, never an accident of the generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from schwifty import IBAN
from stdnum.at import uid as at_uid
from stdnum.ch import uid as ch_uid
from stdnum.fr import siren
from stdnum.gb import vat as gb_vat
from stdnum.iso7064 import mod_11_10, mod_97_10
from stdnum.nl import bsn


@dataclass(frozen=True)
class Bank:
    """A real bank code with its BIC, so IBAN, BIC and bank name agree in the files."""

    country: str
    bank_code: str
    bic: str
    account_digits: int


#: Per country, banks customers hold accounts with (codes and BICs as in schwifty's registry).
BANKS: dict[str, tuple[Bank, ...]] = {
    "DE": (
        Bank("DE", "37040044", "COBADEFFXXX", 10),
        Bank("DE", "50010517", "INGDDEFFXXX", 10),
        Bank("DE", "10020890", "HYVEDEMM488", 10),
        Bank("DE", "20050550", "HASPDEHHXXX", 10),
        Bank("DE", "70150000", "SSKMDEMMXXX", 10),
        Bank("DE", "43060967", "GENODEM1GLS", 10),
        Bank("DE", "76050101", "SSKNDE77XXX", 10),
        Bank("DE", "12030000", "BYLADEM1001", 10),
        Bank("DE", "10010010", "PBNKDEFFXXX", 10),
    ),
    "AT": (
        Bank("AT", "20111", "GIBAATWWXXX", 11),
        Bank("AT", "12000", "BKAUATWWXXX", 11),
        Bank("AT", "32000", "RLNWATWWXXX", 11),
        Bank("AT", "14000", "BAWAATWWXXX", 11),
    ),
    "CH": (
        Bank("CH", "00230", "UBSWCHZH80A", 12),
        Bank("CH", "09000", "POFICHBEXXX", 12),
        Bank("CH", "00700", "ZKBKCHZZ80A", 12),
        Bank("CH", "80808", "RAIFCH22XXX", 12),
    ),
    "FR": (
        Bank("FR", "3000400003", "BNPAFRPP", 11),
        Bank("FR", "3000600001", "AGRIFRPPXXX", 11),
        Bank("FR", "1010700001", "BREDFRPP", 11),
    ),
    "NL": (
        Bank("NL", "INGB", "INGBNL2A", 10),
        Bank("NL", "RABO", "RABONL2U", 10),
        Bank("NL", "ABNA", "ABNANL2A", 10),
        Bank("NL", "TRIO", "TRIONL2U", 10),
    ),
    "GB": (
        Bank("GB", "BARC200000", "BARCGB22", 8),
        Bank("GB", "HBUK400000", "HBUKGB4B", 8),
        Bank("GB", "NWBK601613", "NWBKGB2LXXX", 8),
    ),
}


def make_iban(bank: Bank, account_number: int) -> str:
    """A valid IBAN (compact) for ``account_number`` at ``bank``."""
    account = str(account_number).zfill(bank.account_digits)[-bank.account_digits :]
    return str(IBAN.generate(bank.country, bank_code=bank.bank_code, account_code=account).compact)


def random_account(rng: random.Random, country: str) -> tuple[str, str]:
    """(IBAN, BIC) of a random account in ``country``."""
    bank = rng.choice(BANKS[country])
    low = 10 ** (bank.account_digits - 3)
    return make_iban(bank, rng.randrange(low, 10**bank.account_digits)), bank.bic


def format_iban(iban: str) -> str:
    """The paper form in groups of four, as ERP master data exports usually show it."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _digits(rng: random.Random, count: int, first_nonzero: bool = True) -> str:
    first = str(rng.randint(1, 9)) if first_nonzero else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def vat_id(rng: random.Random, country: str) -> str:
    """A VAT id with correct check digits, in the form a customer's letterhead shows."""
    if country == "DE":
        body = _digits(rng, 8)
        return "DE" + body + mod_11_10.calc_check_digit(body)
    if country == "AT":
        body = _digits(rng, 7)
        return "ATU" + body + at_uid.calc_check_digit("U" + body)
    if country == "CH":
        while True:
            body = _digits(rng, 8)
            check = ch_uid.calc_check_digit(body)
            if len(check) == 1:  # a remainder giving "10" has no digit: that number is unused
                return ch_uid.format("CHE" + body + check) + " MWST"
    if country == "FR":
        number = _siren(rng)
        return "FR" + f"{(int(number + '12') % 97):02d}" + number
    if country == "NL":
        while True:
            body = _digits(rng, 8)
            check = (sum((9 - i) * int(n) for i, n in enumerate(body))) % 11
            if check < 10:  # BSN/RSIN check digit; 10 has no digit, so draw again
                number = body + str(check)
                if bsn.is_valid(number):
                    return f"NL{number}B{rng.randint(1, 3):02d}"
    if country == "GB":
        return "GB" + _gb_vat_digits(rng)
    raise ValueError(f"no VAT id scheme for {country}")


def _siren(rng: random.Random) -> str:
    while True:
        body = _digits(rng, 8, first_nonzero=True)
        for check in "0123456789":
            if siren.is_valid(body + check):
                return body + check


def _gb_vat_digits(rng: random.Random) -> str:
    """Nine digits whose weighted sum is 0 or 55 (mod 97), as HMRC's check requires."""
    while True:
        body = _digits(rng, 7)
        for tail in range(100):
            number = body + f"{tail:02d}"
            if gb_vat.checksum(number) in (0, 55):
                return number


def rf_reference(document_id: str) -> str:
    """The ISO 11649 creditor reference for a document number ("RF" + 2 check digits + digits).

    Only the digits of the number are kept, so "RE-2025-000123" becomes RF..2025000123; the
    reference stays short enough for every bank form (max 25 characters).
    """
    body = "".join(ch for ch in document_id if ch.isdigit())
    check = mod_97_10.calc_check_digits(body + "RF")
    return f"RF{check}{body}"


def sepa_creditor_id(country: str, business_code: str, national_id: str) -> str:
    """A SEPA creditor identifier (e.g. DE98ZZZ09999999999); the business code is not checked."""
    check = mod_97_10.calc_check_digits(national_id + country)
    return f"{country}{check}{business_code}{national_id}"

"""Bank transaction codes per kind of entry: ISO 20022 domain/family/sub-family for camt and
the German GVC with its posting text for MT940 (and camt's proprietary DK code)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TxCode:
    domain: str
    family: str
    subfamily: str
    gvc: str  # Geschäftsvorfallcode (DK)
    posting_text: str  # MT940 ?00
    swift_type: str  # MT940 :61: transaction type identification (after "N")


CODES = {
    "transfer": TxCode("PMNT", "RCDT", "ESCT", "166", "SEPA-GUTSCHRIFT", "TRF"),
    "other": TxCode("PMNT", "RCDT", "ESCT", "166", "SEPA-GUTSCHRIFT", "TRF"),
    "direct_debit": TxCode("PMNT", "IDDT", "ESDD", "171", "SEPA-LASTSCHRIFT", "DDT"),
    "return": TxCode("PMNT", "IDDT", "UPDD", "109", "SEPA-RUECKLASTSCHRIFT", "RTI"),
    "supplier": TxCode("PMNT", "ICDT", "ESCT", "116", "SEPA-UEBERWEISUNG", "TRF"),
    "fee": TxCode("ACMT", "MDOP", "CHRG", "805", "ENTGELTABSCHLUSS", "CHG"),
    "card_payout": TxCode("PMNT", "MCRD", "POSP", "166", "KARTENZAHLUNGEN", "TRF"),
    "card_fees": TxCode("PMNT", "MCRD", "CHRG", "805", "GEBUEHREN", "CHG"),
}

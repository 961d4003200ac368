"""Remittance texts as payers really type them: exact, abbreviated, misspelt, or missing.

Each customer keeps a habit (``Customer.remit_style``), because real payers are consistent,
and occasionally slips; cash application has to cope with all of it.
"""

from __future__ import annotations

import random
from decimal import Decimal

from tools.generate.model import Customer, Document

MAX_LENGTH = 140  # SEPA unstructured remittance
ON_BEHALF = {"de": "für", "en": "for", "fr": "pour", "nl": "voor"}

PREFIXED = {
    "de": ("Rechnung {id}", "Rechnungsnr. {id}", "Rg. {id}"),
    "en": ("Invoice {id}", "Inv. {id}"),
    "fr": ("Facture {id}", "Fact. {id}"),
    "nl": ("Factuur {id}", "Factuurnr. {id}"),
}
NUMBER_ONLY = {
    "de": ("Rg.Nr. {n}", "rechnung {n0}", "Re. {n}", "RG {n}"),
    "en": ("inv {n}", "invoice no {n}"),
    "fr": ("fact. {n}", "facture n° {n}"),
    "nl": ("factuur {n}", "fact {n}"),
}
PARTIAL = {
    "de": ("Teilzahlung {ref}", "1. Rate {ref}", "Abschlag {ref}"),
    "en": ("Part payment {ref}",),
    "fr": ("Acompte {ref}",),
    "nl": ("Deelbetaling {ref}",),
}
SHORT = {
    "de": "{ref} abzgl. Reklamation {amount}",
    "en": "{ref} less disputed amount {amount}",
    "fr": "{ref} moins litige {amount}",
    "nl": "{ref} minus betwist bedrag {amount}",
}
LESS_CREDIT = {"de": " abzgl. ", "en": " less ", "fr": " moins ", "nl": " minus "}
COLLECTIVE = {
    "de": ("Sammelzahlung", "Zahlung lt. Avis", "Ausgleich offene Posten"),
    "en": ("Payment as per advice", "Remittance"),
    "fr": ("Règlement factures",),
    "nl": ("Betaling facturen",),
}
NOTHING = {
    "de": ("", "Zahlung", "Überweisung", "Danke"),
    "en": ("", "Payment", "Thank you"),
    "fr": ("", "Paiement", "Virement"),
    "nl": ("", "Betaling", "Overboeking"),
}
AFTER_RETURN = {
    "de": "{ref} Rücklastschrift",
    "en": "{ref} returned direct debit",
    "fr": "{ref} prélèvement rejeté",
    "nl": "{ref} gestorneerde incasso",
}


def _language(customer: Customer) -> str:
    return customer.language if customer.language in PREFIXED else "en"


def _parts(document: Document) -> tuple[str, str, int]:
    prefix, year, number = document.document_id.split("-")
    return prefix, year, int(number)


def _typo(rng: random.Random, text: str) -> str:
    """A slip of the finger: a dropped or swapped digit, or the letter O for a zero."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(positions) < 2:
        return text
    kind = rng.random()
    i = rng.choice(positions[:-1])
    if kind < 0.4 and text[i] == "0":
        return text[:i] + "O" + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i + 1 :]
    j = i + 1
    if not text[j].isdigit() or text[i] == text[j]:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[j] + text[i] + text[j + 1 :]


def reference(
    rng: random.Random, customer: Customer, document: Document, style: str | None = None
) -> str:
    """How ``customer`` names one document in a transfer."""
    style = style or customer.remit_style
    language = _language(customer)
    prefix, year, number = _parts(document)
    if style == "prefixed":
        text = rng.choice(PREFIXED[language]).format(id=document.document_id)
    elif style == "spaced":
        text = rng.choice(
            (
                f"{prefix} {year}-{number:06d}",
                f"{prefix} {year}-{number:05d}",
                f"{prefix}/{year}/{number:06d}",
                f"{prefix} {year} {number}",
            )
        )
    elif style == "number_only":
        text = rng.choice(NUMBER_ONLY[language]).format(n=number, n0=f"{number:04d}")
    elif style == "inv":
        text = rng.choice((f"INV{number}", f"INV-{year}-{number}", f"Inv. {year}{number:06d}"))
    elif style == "compact":
        text = f"{prefix}{year}{number:06d}"
    else:
        text = document.document_id
    if rng.random() < 0.04:
        text = _typo(rng, text)
    return text


def german_amount(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


def single(
    rng: random.Random,
    customer: Customer,
    document: Document,
    mode: str,
    withheld: Decimal | None = None,
) -> str:
    """Text for a transfer settling one document (``mode``: full, partial, short, retry)."""
    style = customer.remit_style
    if rng.random() < 0.12:  # even consistent payers slip
        style = rng.choice(("exact", "empty", "number_only", "prefixed"))
    language = _language(customer)
    if style == "empty":
        return rng.choice(NOTHING[language])
    if style == "customer_no":
        date_text = document.issue_date.strftime("%d.%m.%Y" if language == "de" else "%d/%m/%Y")
        label = {
            "de": "Kd-Nr. {c} Rechnung vom {d}",
            "en": "Customer {c} invoice dated {d}",
            "fr": "Client {c} facture du {d}",
            "nl": "Klant {c} factuur van {d}",
        }[language]
        return label.format(c=customer.customer_id, d=date_text)
    ref = reference(rng, customer, document, style)
    if mode == "partial":
        return rng.choice(PARTIAL[language]).format(ref=ref)
    if mode == "short" and withheld is not None:
        amount = german_amount(withheld) if language == "de" else f"{withheld:.2f}"
        return SHORT[language].format(ref=ref, amount=amount)
    if mode == "retry":
        return AFTER_RETURN[language].format(ref=ref)
    return ref


def multiple(
    rng: random.Random, customer: Customer, documents: list[Document], credits: list[Document]
) -> str:
    """Text for one transfer covering several documents, cut at 140 characters as banks do."""
    language = _language(customer)
    if customer.remit_style in ("empty", "customer_no") or rng.random() < 0.12:
        text = rng.choice(COLLECTIVE[language])
        return f"{text} Kd {customer.customer_id}" if rng.random() < 0.5 else text
    style = customer.remit_style if customer.remit_style != "number_only" else "exact"
    refs = [reference(rng, customer, d, style) for d in documents]
    text = rng.choice((", ", " / ", " ")).join(refs)
    if credits:
        text += LESS_CREDIT[language] + ", ".join(c.document_id for c in credits)
    return text[:MAX_LENGTH].rstrip()

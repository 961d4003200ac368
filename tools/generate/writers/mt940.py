"""SWIFT MT940 with the German :86: structure (DFÜ-Abkommen), as German banks export it.

One file per month, one statement per business day; a day with many bookings is split into
pages (:60M:/:62M:). Texts are reduced to the SWIFT character set (umlauts spelt out), the
purpose is cut into ?2x subfields of 27 characters, and lines are wrapped at 65 characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from tools.generate.dates import previous_business_day
from tools.generate.ledger import CREDITOR_ID, Entry, Statement
from tools.generate.names import swift_text
from tools.generate.writers.codes import CODES

LINE = 65
SUBFIELD = 27
#: Room for :61:/:86: lines in one message (2,000 characters less header and balances).
MESSAGE_BUDGET = 1_850
MAX_DETAILS = 6 * LINE - 12  # room for lines shortened at subfield markers
PURPOSE_TAGS = [f"{n}" for n in range(20, 30)] + ["60", "61", "62", "63"]
#: DK text key extension (?34) for SEPA return reasons, where the code is unambiguous; other
#: reasons are only named in the purpose text, as many banks do.
RETURN_KEYS = {"AC04": "902", "AC06": "903", "MD06": "912", "MS02": "914", "MS03": "914"}


def _amount(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def _balance(tag: str, value: Decimal, day: date, currency: str) -> str:
    return f":{tag}:{'C' if value >= 0 else 'D'}{day:%y%m%d}{currency}{_amount(value)}"


def mt940(statements: Iterable[Statement]) -> bytes:
    """All statements of one account and month, CRLF line ends, ASCII."""
    lines: list[str] = []
    for statement in statements:
        lines.extend(_statement(statement))
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _statement(statement: Statement) -> list[str]:
    """One statement, split into SWIFT messages (pages) as banks do when it grows too long."""
    account, day = statement.account, statement.day
    pages = _pages([_entry(entry, account.currency) for entry in statement.entries])
    lines: list[str] = []
    balance = statement.opening
    position = 0
    for page_no, page in enumerate(pages, start=1):
        last = page_no == len(pages)
        opening_tag, closing_tag = ("60F" if page_no == 1 else "60M"), ("62F" if last else "62M")
        opening_day = previous_business_day(day) if page_no == 1 else day
        lines += [
            f":20:{day:%y%m%d}{account.suffix}{page_no:02d}",
            f":25:{account.iban}",
            f":28C:{statement.number:05d}/{page_no:03d}",
            _balance(opening_tag, balance, opening_day, account.currency),
        ]
        for entry_lines in page:
            entry = statement.entries[position]
            position += 1
            lines += entry_lines
            balance += entry.amount if entry.credit else -entry.amount
        lines.append(_balance(closing_tag, balance, day, account.currency))
        lines.append("-")
    return lines


def _pages(entries: list[list[str]]) -> list[list[list[str]]]:
    """Entries grouped so that one message's text stays within SWIFT's 2,000 characters."""
    pages: list[list[list[str]]] = [[]]
    size = 0
    for entry_lines in entries:
        length = sum(len(line) + 2 for line in entry_lines)
        if pages[-1] and size + length > MESSAGE_BUDGET:
            pages.append([])
            size = 0
        pages[-1].append(entry_lines)
        size += length
    return pages


def _entry(entry: Entry, currency: str) -> list[str]:
    code = CODES[entry.kind]
    tx = entry.txs[0]  # MT940 has no batch details here: one transaction per :61:
    mark = "RC" if entry.is_return else ("C" if entry.credit else "D")
    day = entry.booking_date
    customer_ref = tx.end_to_end_id if 0 < len(tx.end_to_end_id) <= 16 else "NONREF"
    if customer_ref == "NOTPROVIDED":
        customer_ref = "NONREF"
    line61 = (
        f":61:{day:%y%m%d}{day:%m%d}{mark}{_amount(entry.amount)}N{code.swift_type}"
        f"{swift_text(customer_ref)}//{entry.reference}"
    )
    return [line61, *_wrap(":86:", _details(entry))]


def _details(entry: Entry) -> str:
    code = CODES[entry.kind]
    tx = entry.txs[0]
    segments = []
    if tx.end_to_end_id and tx.end_to_end_id != "NOTPROVIDED":
        segments.append(f"EREF+{tx.end_to_end_id}")
    if tx.mandate_id:
        segments += [f"MREF+{tx.mandate_id}", f"CRED+{CREDITOR_ID}"]
    purpose = tx.structured_ref or tx.remittance or ""
    if entry.is_return and tx.return_reason:
        purpose = f"RETOURE {tx.return_reason} {purpose}".strip()
    if purpose:
        segments.append(f"SVWZ+{purpose}")
    subfields: list[str] = []
    for segment in segments:
        text = swift_text(segment)
        subfields += [text[i : i + SUBFIELD] for i in range(0, len(text), SUBFIELD)]
    head = f"{code.gvc}?00{code.posting_text}?10{9000 + int(code.gvc) % 1000}"
    tail = ""
    if tx.bic:
        tail += f"?30{tx.bic}"
    if tx.iban:
        tail += f"?31{tx.iban}"
    name = swift_text(tx.name)
    if name:
        tail += f"?32{name[:SUBFIELD]}"
        if len(name) > SUBFIELD:
            tail += f"?33{name[SUBFIELD : 2 * SUBFIELD]}"
    if entry.is_return and tx.return_reason in RETURN_KEYS:
        tail += f"?34{RETURN_KEYS[tx.return_reason]}"
    purpose = [f"?{tag}{text}" for tag, text in zip(PURPOSE_TAGS, subfields, strict=False)]
    while purpose and len(head) + len(tail) + sum(map(len, purpose)) > MAX_DETAILS:
        purpose.pop()  # the field holds 6 lines of 65: banks cut the purpose, not the payer
    return head + "".join(purpose) + tail


def _wrap(tag: str, text: str) -> list[str]:
    """Lines of at most 65 characters after the tag. A break never splits a ?NN subfield
    marker, and no continuation line starts with "-" or ":", which readers could take for
    the end of the statement or a new tag."""
    lines = []
    while text:
        cut = min(LINE, len(text))
        while (
            cut < len(text)
            and cut > LINE - 8
            and (text[cut] in "-:" or "?" in text[max(0, cut - 2) : cut])
        ):
            cut -= 1
        lines.append(text[:cut])
        text = text[cut:]
    return [tag + lines[0], *lines[1:]] if lines else [tag]

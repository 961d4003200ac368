"""SWIFT MT940 customer statements, with the German ``:86:`` structure (DFÜ-Abkommen, Anlage 3).

A file is one or more statements, each ``:20:`` ... ``:62F:``/``:62M:``. It is taken whole or
not at all: every problem found is collected as an :class:`Issue` naming statement, tag and
line, and any issue refuses the file with :class:`IngestError`. A statement that contradicts
itself (balances that do not add up, an account IBAN failing its checksum) is readable and is
loaded with a warning, as the camt parser does (``ParsedBankFile.warnings`` and
``BankStatement.balance_difference``), because refusing it would leave paid invoices open and
dunned; ``strict=True`` refuses it instead.

What comes from the ``mt-940`` library and what is ours:

* Tag splitting follows the library: its tag pattern (a local of
  ``mt940.models.Transactions.parse``, repeated here), its tag registry and its
  ``sanitize_tag_id_matches`` (an unknown tag such as ``:12:`` in a wrapped timestamp is
  text of the tag before it). We split ourselves so that every tag keeps its line number,
  which the library drops, and so that ``:86:`` keeps trailing spaces the library strips.
* ``:61:`` is read with the library's ``Statement`` tag and its ``date_fixup_pre_processor``:
  value date, entry date with the library's new-year roll-over (an entry date 330 days or more
  away from the value date belongs to the neighbouring year), and the library's clamping of
  an impossible February day to the month's last day (the "february_30" files of real banks).
  Other impossible dates are refused, as the library fails on them too.
* Balances (``:60F:``/``:60M:``/``:62F:``/``:62M:``) are read by us: the library's pattern
  takes any three characters as the currency, so a balance written without one
  (``:62M:C020315105000,00``) becomes 0,00 in currency "105".
* Amounts are read with :func:`parse_amount` (exact, at most two decimals: DECIMAL(18,2)).
* ``:86:`` is read by :mod:`orchestration.ingest.mt940_details` (see there why).
* Bytes are decoded by us: UTF-8, else Windows-1252, else Latin-1 (the library falls back to
  cp852), with control characters removed, so stray binary bytes never stop a file.

Debit/credit marks: ``C`` credit, ``D`` debit, ``RC`` reversal of a credit (money leaves:
direction debit), ``RD`` reversal of a debit (money comes back: direction credit); both
reversals are returns. The balance check uses these directions. The statement's
``credit_total``/``debit_total`` instead follow the corpus manifest, which sums amounts as
the library signs them by default (only a plain ``D`` is negative, so ``RC`` counts as a
credit there; the library's ``Options.reversal_sign`` fixes that, issue #130).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import mt940
import schwifty
import schwifty.exceptions

from orchestration.ingest.bank_model import (
    RETURN_GVCS,
    BankStatement,
    BankTransaction,
    ParsedBankFile,
    assign_bank_references,
)
from orchestration.ingest.codes import is_currency, parse_amount
from orchestration.ingest.errors import IngestError, Issue, fail
from orchestration.ingest.mt940_details import (
    Details,
    collapse,
    find_creditor_reference,
    parse_details,
)

SOURCE_FORMAT = "mt940"

#: The tag pattern of ``mt940.models.Transactions.parse`` (a local there): ``:61:``, ``:60F:``,
#: ``:NS:``, and ``:`` + line break + ``86:`` as some Sparkassen wrap it.
_TAG_RE = re.compile(r"^:\n?(?P<full_tag>(?P<tag>[0-9]{2}|NS)(?P<sub_tag>[A-Z])?):", re.MULTILINE)
#: The library's ``:61:`` tag. Its ``re`` is what its ``parse()`` matches with; we match
#: directly because ``parse()`` also logs an error for every line that does not match.
STATEMENT_TAG = mt940.tags.Tags.STATEMENT.value
#: The collection the library's tags are called with: it only asks it for its options and
#: currency (none, so the library's amounts carry none; we do not use them). Never filled.
_CONTEXT = mt940.models.Transactions()
#: For :func:`looks_like_mt940`: a statement tag at the start of a line or of SWIFT block 4.
_SNIFF_RE = re.compile(r"(?:^|\{4:)[ \t]*:(?:20|25|28C?|60[FM]?|61|62[FM]?):", re.MULTILINE)
#: Control characters (C0 except line breaks, DEL, C1): stray binary bytes in real files.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BALANCE_RE = re.compile(
    r"^(?P<mark>[DC])(?P<date>\d{6})(?P<currency>[A-Z]{3})?(?P<amount>\d[\d,]*)$"
)

#: ``:61:`` with the references as long as the bank wrote them (the library's pattern cuts
#: them at SWIFT's lengths and runs the rest into the supplementary details, which then
#: need their own line here).
_WIDE_LINE_RE = re.compile(
    r"""^\d{6}(?:\d{4}|\s{4})?R?[DC][A-Z]?[\n ]?[\d,]{1,15}(?:[A-Z][A-Z0-9 ]{3})?
    (?P<customer_reference>(?:(?!//)[^\n])*)
    (?://(?P<bank_reference>[^\n]*))?
    (?:\n(?P<extra_details>.*))?$""",
    re.VERBOSE | re.DOTALL,
)
#: The most of a ``:86:`` text read (SWIFT: 6 x 65 characters; German banks' structured
#: form up to about 800); longer texts are cut with a warning.
MAX_DETAILS_CHARS = 2048
#: The start of a SWIFT FIN block (``{1:`` basic header ... ``{5:`` trailer).
_BLOCK_HEADER_RE = re.compile(r"\{[1-5]:")
#: SWIFT transaction type "returned item" in ``:61:`` (``NRTI``, ``SRTI``).
_RETURN_TYPE = "RTI"
#: Currencies replaced by the euro: no longer in ISO 4217's current list, but in old statements.
LEGACY_CURRENCIES = frozenset(
    {"ATS", "BEF", "CYP", "DEM", "EEK", "ESP", "FIM", "FRF", "GRD", "IEP", "ITL", "LTL",
     "LUF", "LVL", "MTL", "NLG", "PTE", "SIT", "SKK", "HRK"}
)  # fmt: skip
#: What banks write into the ``//`` bank reference when they have none.
_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NONE"})


# --------------------------------------------------------------------------- entry points


def looks_like_mt940(data: bytes) -> bool:
    """Cheap routing test: a statement tag (``:20:``, ``:25:``, ``:60F:``, ``:61:`` ...) at the
    start of a line within the first 16 KiB, and not an XML document."""
    head = decode(data[:16384])
    if head.lstrip().startswith("<"):
        return False
    return _SNIFF_RE.search(head.replace("\r", "\n")) is not None


def parse_mt940(data: bytes, file_name: str, *, strict: bool = False) -> ParsedBankFile:
    """Parse an MT940 file; raise :class:`IngestError` if it must be refused.

    A statement whose balances do not add up, whose account IBAN fails its checks or that
    names a second account is a warning (``ParsedBankFile.warnings``, and
    ``balance_difference`` on the statement); with ``strict`` it refuses the file.
    """
    text = decode(data)
    if not text.strip():
        raise fail(file_name, "", "", "the file is empty")
    tags = scan_tags(text)
    if not any(tag.id in (20, 61) for tag in tags):
        raise fail(
            file_name, "", "",
            "not an MT940 statement: no :20: (statement reference) or :61: (statement "
            "line) tag at the start of any line",
        )  # fmt: skip
    reader = _Reader(file_name, strict)
    result = ParsedBankFile()
    blocks = list(split_statements(tags))
    reader.truncation(text, blocks)
    for number, block in enumerate(blocks, start=1):
        statement, transactions = reader.statement(number, block)
        result.statements.append(statement)
        result.transactions.extend(transactions)
    if reader.issues:
        raise IngestError(reader.issues)
    result.transactions = assign_bank_references(result.transactions)
    result.warnings = reader.warnings
    return result


# --------------------------------------------------------------------------- text and tags


def decode(data: bytes) -> str:
    """Bytes to text that never fails: UTF-8 (strict), else Windows-1252, else Latin-1.

    A byte-order mark is honoured and dropped; tabs become spaces; other control characters
    (stray binary bytes, the SOH/ETX framing of some banks) are removed.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = _first_decoding(data)
    text = text.removeprefix("\ufeff").replace("\t", " ")
    return _CONTROL_RE.sub("", text)


def _first_decoding(data: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


@dataclass(frozen=True)
class Tag:
    """One tag as it stands in the file: ``name`` as written (``60F``), ``id`` as the library
    keys it (``60``, ``"60F"``, ``"NS"``), its line number and its lines (the first without
    the tag itself; trailing spaces kept)."""

    name: str
    id: int | str
    line: int
    lines: tuple[str, ...]

    @property
    def value(self) -> str:
        """The content as the library sees it: lines right-stripped, joined, stripped."""
        return "\n".join(line.rstrip() for line in self.lines).strip()

    @property
    def first_line(self) -> str:
        return self.lines[0].strip() if self.lines else ""


def scan_tags(text: str) -> list[Tag]:
    """All tags of the file in order, each with its line number.

    Blank lines and ``-`` separator lines are dropped first, as the library does, so that a
    tag split as ``:`` / ``86:`` over two lines is still found.
    """
    kept: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if raw.strip() and raw.strip() != "-":
            kept.append((number, raw))
    joined = "\n".join(raw for _, raw in kept)
    starts: list[int] = []
    offset = 0
    for _, raw in kept:
        starts.append(offset)
        offset += len(raw) + 1
    matches = list(_TAG_RE.finditer(joined))
    valid = mt940.models.Transactions().sanitize_tag_id_matches(matches)
    tags = []
    for i, match in enumerate(valid):
        end = valid[i + 1].start() if i + 1 < len(valid) else len(joined)
        content = joined[match.end() : end].removesuffix("\n")
        tags.append(
            Tag(
                name=match.group("full_tag"),
                id=mt940.models.Transactions.normalize_tag_id(match.group("tag")),
                line=kept[_line_index(starts, match.start())][0],
                lines=tuple(content.split("\n")),
            )
        )
    return tags


def _line_index(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


def split_statements(tags: list[Tag]) -> Iterator[list[Tag]]:
    """Statements start at ``:20:``; tags before the first ``:20:`` (a file that is only a
    fragment of a statement, as some banks' exports are) form a statement of their own."""
    block: list[Tag] = []
    for tag in tags:
        if tag.id == 20 and block:
            yield block
            block = []
        block.append(tag)
    if block:
        yield block


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class _Balance:
    tag: Tag
    amount: Decimal  # signed: debit balances negative
    currency: str | None
    day: date


@dataclass
class _Entry:
    tag: Tag
    details: list[str] = field(default_factory=list)
    details_tag: Tag | None = None  # the (first) :86: of the entry


@dataclass
class _Block:
    """What one statement's tags say, before interpretation."""

    reference: str | None = None
    account: Tag | None = None
    number: str | None = None
    opening: Tag | None = None
    closing: Tag | None = None
    other_balances: list[Tag] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)


@dataclass(frozen=True)
class _Line61:
    """One ``:61:`` read with the library's tag, and our exact amount.

    The account owner's reference (the part before ``//``) is not kept: it is the customer's
    own text (``NONREF``, a KREF, a timestamp), repeats across transactions, and is no
    identity for the bank's booking; ``entry_ref`` is the bank's ``//`` reference only.
    """

    value_date: date
    booking_date: date
    mark: str
    amount: Decimal
    type_code: str | None
    bank_reference: str | None
    supplementary: str | None


class _Reader:
    """Reads statements of one file, collecting issues instead of stopping at the first."""

    def __init__(self, file_name: str, strict: bool) -> None:
        self.file_name = file_name
        self.strict = strict
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []

    def _issue(self, number: int, tag: Tag, message: str) -> Issue:
        location = f"statement {number}, :{tag.name}: line {tag.line}"
        return Issue(self.file_name, location, f":{tag.name}:", message)

    def add(self, number: int, tag: Tag, message: str) -> None:
        """A problem that refuses the file."""
        self.issues.append(self._issue(number, tag, message))

    def doubt(self, number: int, tag: Tag, message: str) -> None:
        """A statement that contradicts itself: a warning, or with ``strict`` an issue."""
        (self.issues if self.strict else self.warnings).append(self._issue(number, tag, message))

    def truncation(self, text: str, blocks: list[list[Tag]]) -> None:
        """Refuse a file whose messages are cut off, so that no half statement loads:
        another message's SWIFT header inside a tag's text (a message cut off and the
        next one spliced in), a SWIFT block 4 opened but never closed, or a statement
        followed by the next one without its closing balance. The last statement of a file
        without a closing balance may be an excerpt (as some exports are): a warning."""
        for number, block in enumerate(blocks, start=1):
            for tag in block:
                if not any("{" in line for line in tag.lines):
                    continue  # nearly every tag: no join, no search
                content = "\n".join(tag.lines)
                header = _BLOCK_HEADER_RE.search(content)
                if header is not None and "-}" not in content[: header.start()]:
                    self.add(number, tag, "the SWIFT header of another message "
                             f"({header.group()}...) stands inside this tag's text: the "
                             "message is cut off here and the next one spliced in")  # fmt: skip
            if any(tag.name[:2] == "62" for tag in block):
                continue
            opened = next((t for t in block if t.name[:2] in ("20", "60")), block[0])
            if number < len(blocks):
                self.add(number, opened, "no closing balance (:62F:/:62M:) before the next "
                         f"statement (line {blocks[number][0].line}): the statement is cut "
                         "off")  # fmt: skip
            elif any(tag.name[:2] == "60" for tag in block):
                self.doubt(number, opened, "no closing balance (:62F:/:62M:): the "
                           "statement may be cut off; its entries load unreconciled")  # fmt: skip
        opened_blocks, closed_blocks = text.count("{4:"), text.count("-}")
        if opened_blocks > closed_blocks and blocks:
            self.add(len(blocks), blocks[-1][-1], f"{opened_blocks} SWIFT message(s) open "
                     f"block 4 ({{4:) but {closed_blocks} close it (-}}): the file is cut "
                     "off")  # fmt: skip

    def statement(
        self, number: int, tags: list[Tag]
    ) -> tuple[BankStatement, list[BankTransaction]]:
        block = self.collect(number, tags)
        account = self.account(number, block.account)
        statement_id = _statement_id(block)
        opening = self.balance(number, block.opening)
        closing = self.balance(number, block.closing)
        currency = next(
            (b.currency for b in (opening, closing) if b and b.currency),
            _available_balance_currency(block.other_balances),
        )
        marks: list[str] = []
        transactions: list[BankTransaction] = []
        for index, entry in enumerate(block.entries, start=1):
            read = self.transaction(number, entry, index, account, statement_id, currency)
            if read is not None:
                marks.append(read[0])
                transactions.append(read[1])
        difference = None
        if len(transactions) == len(block.entries):
            difference = self.reconcile(number, opening, closing, transactions, currency)
        credit, debit = _library_totals(marks, transactions)
        statement = BankStatement(
            account_iban=account,
            statement_id=statement_id,
            currency=currency,
            opening_balance=opening.amount if opening else None,
            closing_balance=closing.amount if closing else None,
            opening_date=opening.day if opening else None,
            closing_date=closing.day if closing else None,
            entries=len(block.entries),
            credit_total=credit,
            debit_total=debit,
            source_format=SOURCE_FORMAT,
            balance_difference=difference,
        )
        return statement, transactions

    def collect(self, number: int, tags: list[Tag]) -> _Block:
        """Sort a statement's tags; ``:86:`` belongs to the ``:61:`` before it, unless a
        balance came in between (then it describes the statement and is not loaded)."""
        block = _Block()
        current: _Entry | None = None
        for tag in tags:
            kind = tag.name[:2]
            if kind == "20":
                block.reference = tag.first_line or None
            elif kind == "25":
                if block.account is None:
                    block.account = tag
                elif tag.value != block.account.value:
                    self.doubt(number, tag, f"a second account identification {tag.value[:40]!r} "
                               f"in one statement is ignored (the first, line "
                               f"{block.account.line}, is {block.account.value!r})")  # fmt: skip
            elif kind == "28":
                block.number = tag.first_line or None
            elif kind in ("60", "62"):
                slot = "opening" if kind == "60" else "closing"
                if getattr(block, slot) is not None:
                    self.add(number, tag, f"a second {slot} balance in one statement")
                else:
                    setattr(block, slot, tag)
                current = None
            elif kind in ("64", "65"):
                block.other_balances.append(tag)
                current = None
            elif kind == "61":
                current = _Entry(tag)
                block.entries.append(current)
            elif kind == "86" and current is not None:
                current.details.extend(tag.lines)
                current.details_tag = current.details_tag or tag
        return block

    def account(self, number: int, tag: Tag | None) -> str:
        """The IBAN of the account (validated), else the bank's account id as given."""
        if tag is None:
            return ""
        raw = tag.value
        iban, problem = account_iban(raw)
        if problem:
            self.doubt(number, tag, problem)
            return re.sub(r"\s+", "", raw).upper()
        return iban or raw

    def balance(self, number: int, tag: Tag | None) -> _Balance | None:
        if tag is None:
            return None
        text = tag.first_line.upper()
        match = _BALANCE_RE.match(text)
        if match is None:
            self.add(number, tag, f"{text!r} is not a balance (mark C/D, date YYMMDD, "
                     "currency, amount with decimal comma)")  # fmt: skip
            return None
        try:
            day = _yymmdd(match.group("date"))
        except ValueError:
            self.add(number, tag, f"{match.group('date')!r} is not a date (YYMMDD)")
            return None
        try:
            amount = parse_amount(match.group("amount"), decimal_comma=True)
        except ValueError as exc:
            self.add(number, tag, f"amount {exc}")
            return None
        currency = match.group("currency")
        if currency and not (is_currency(currency) or currency in LEGACY_CURRENCIES):
            self.add(number, tag, f"{currency!r} is not an ISO 4217 currency")
        signed = -amount if match.group("mark") == "D" else amount
        return _Balance(tag, signed, currency, day)

    def transaction(
        self,
        number: int,
        entry: _Entry,
        index: int,
        account: str,
        statement_id: str,
        currency: str | None,
    ) -> tuple[str, BankTransaction] | None:
        """One ``:61:`` with its ``:86:``, and its debit/credit mark (C, D, RC, RD)."""
        line = self.statement_line(number, entry.tag)
        if line is None:
            return None
        details = parse_details(self.bounded_details(number, entry)) if entry.details else None
        is_return = _is_return(line, details)
        remittance = (details.remittance_text if details else None) or (
            collapse(line.supplementary) or None
        )
        return line.mark, BankTransaction(
            account_iban=account,
            statement_id=statement_id,
            booking_date=line.booking_date,
            value_date=line.value_date,
            amount=line.amount,
            currency=currency or "",
            direction="credit" if line.mark in ("C", "RD") else "debit",
            is_return=is_return,
            bank_reference="",
            end_to_end_id=details.end_to_end_id if details else None,
            counterparty_name=details.counterparty_name if details else None,
            counterparty_iban=details.counterparty_iban if details else None,
            remittance_text=remittance,
            structured_reference=find_creditor_reference(remittance),
            bank_tx_code=(details.gvc if details else None) or line.type_code,
            return_reason=_return_reason(details) if is_return else None,
            entry_ref=line.bank_reference,
            entry_index=index,
            tx_index=1,
            source_format=SOURCE_FORMAT,
        )

    def statement_line(self, number: int, tag: Tag) -> _Line61 | None:
        """Read ``:61:`` with the library's tag (dates, roll-over, February clamp)."""
        raw = STATEMENT_TAG.re.match(tag.value)
        if raw is None:
            self.add(number, tag, f"{tag.value[:80]!r} is not a statement line (YYMMDD[MMDD], "
                     "C/D/RC/RD, amount, type, reference)")  # fmt: skip
            return None
        groups = self.overlong_fields(number, tag, raw.groupdict())
        try:
            amount = parse_amount(groups["amount"], decimal_comma=True)
        except ValueError as exc:
            self.add(number, tag, f"amount {exc}")
            return None
        try:
            value_date, entry_date = library_dates(groups)
        except (ValueError, ArithmeticError) as exc:
            self.add(number, tag, f"impossible value or entry date in {tag.value[:30]!r}: {exc}")
            return None
        return _Line61(
            value_date=value_date,
            booking_date=entry_date or value_date,
            mark=groups["status"].upper(),
            amount=amount,
            type_code=(groups.get("id") or "").strip().upper() or None,
            bank_reference=_reference(groups.get("bank_reference")),
            supplementary=(groups.get("extra_details") or "").strip() or None,
        )

    def bounded_details(self, number: int, entry: _Entry) -> list[str]:
        """The ``:86:`` lines, cut after MAX_DETAILS_CHARS characters with a warning. SWIFT
        allows 6 lines of 65 characters and the German structured form about 800; a text of
        megabytes is no bank's statement, and read whole it would fill memory and every
        remittance column downstream."""
        total = sum(len(line) for line in entry.details)
        if total <= MAX_DETAILS_CHARS:
            return entry.details
        self.warnings.append(
            self._issue(
                number,
                entry.details_tag or entry.tag,
                f"the transaction details have {total} characters, more than any bank "
                f"writes (SWIFT allows 6 x 65): read up to {MAX_DETAILS_CHARS}",
            )
        )
        kept, left = [], MAX_DETAILS_CHARS
        for line in entry.details:
            if left <= 0:
                break
            kept.append(line[:left])
            left -= len(line)
        return kept

    def overlong_fields(self, number: int, tag: Tag, groups: dict[str, Any]) -> dict[str, Any]:
        """The ``:61:`` fields as the bank wrote them when it exceeded SWIFT's lengths.

        The library's pattern cuts the customer reference at 16 characters and the bank
        reference at 23, and pushes the rest into the supplementary details: an 18-character
        IBAN as customer reference loses the ``//`` bank reference that follows it, a long
        bank reference its tail. Where that changes the bank reference, the line is read
        with unbounded fields instead and keeps it, with a warning on the file (a field too
        long is no reason to refuse a statement)."""
        # the library cut something off only where its supplementary details hold a "//"
        # or its bank reference is at its limit of 23: every other line is read as it was
        if (
            "//" not in (groups.get("extra_details") or "")
            and len(groups.get("bank_reference") or "") < 23
        ):
            return groups
        wide = _WIDE_LINE_RE.match(tag.value)
        if wide is None:
            return groups
        customer, bank = wide.group("customer_reference"), wide.group("bank_reference")
        if (bank or "") == (groups.get("bank_reference") or ""):
            # the bank reference reads the same: a long customer reference without one
            # (Rabobank's name after it) stays as the library splits it
            return groups
        too_long = [
            f"{name} {value!r} has {len(value)} characters (SWIFT allows {limit})"
            for name, value, limit in (
                ("the customer reference", customer or "", 16),
                ("the bank reference", bank or "", 16),
            )
            if len(value) > limit
        ]
        if not too_long:
            return groups
        self.warnings.append(self._issue(number, tag, "; ".join(too_long) + ": read as written"))
        return groups | {
            "customer_reference": customer,
            "bank_reference": bank,
            "extra_details": wide.group("extra_details"),
        }

    def reconcile(
        self,
        number: int,
        opening: _Balance | None,
        closing: _Balance | None,
        transactions: list[BankTransaction],
        currency: str | None,
    ) -> Decimal | None:
        """closing - (opening + credits - debits), and a doubt when it is not zero.

        A statement that does not add up is missing lines or has wrong ones: its cash
        position is wrong and payments may be missing, which the warning says.
        """
        if opening is None or closing is None:
            return None
        if opening.currency and closing.currency and opening.currency != closing.currency:
            self.doubt(number, closing.tag, f"closing balance in {closing.currency} but opening "
                       f"balance (line {opening.tag.line}) in {opening.currency}")  # fmt: skip
            return None
        credits = sum((t.amount for t in transactions if t.direction == "credit"), Decimal("0"))
        debits = sum((t.amount for t in transactions if t.direction == "debit"), Decimal("0"))
        expected = opening.amount + credits - debits
        if expected != closing.amount:
            self.doubt(
                number, closing.tag,
                f"statement does not add up: opening balance {opening.amount} + credits "
                f"{credits} - debits {debits} = {expected}, but the closing balance is "
                f"{closing.amount} (difference {closing.amount - expected}) {currency or ''}"
                .rstrip(),
            )  # fmt: skip
        return closing.amount - expected


# --------------------------------------------------------------------------- helpers


def library_dates(groups: dict[str, Any]) -> tuple[date, date | None]:
    """(value date, entry date or None) of a ``:61:`` as the library reads them.

    ``groups`` are the matched groups of the library's ``Statement`` pattern, with an amount
    already known to be a number (the library turns it into a Decimal on the way).
    Raises ValueError for an impossible date the library does not repair.
    """
    fixed = mt940.processors.date_fixup_pre_processor(_CONTEXT, STATEMENT_TAG, dict(groups))
    parsed = STATEMENT_TAG(_CONTEXT, fixed)
    entry_date = parsed.get("entry_date")
    return _plain_date(parsed["date"]), _plain_date(entry_date) if entry_date else None


def account_iban(raw: str) -> tuple[str | None, str | None]:
    """(IBAN, problem) for a ``:25:`` value.

    ``DE89370400440532013000``, ``DE89370400440532013000/EUR``, ``BIC/IBAN`` and ING's
    ``NL69INGB0123456789EUR`` give the IBAN. A part shaped like an IBAN of a country that has
    IBANs but failing its checks gives a problem. Anything else (``50010517/0123456789``,
    ``TRIODOSBANK/0390123456``) gives (None, None): the account id is kept as given.
    """
    for part in re.sub(r"\s+", "", raw).upper().split("/"):
        if not re.match(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,33}$", part):
            continue
        try:
            return str(schwifty.IBAN(part).compact), None
        except schwifty.exceptions.InvalidCountryCode:
            continue
        except ValueError as exc:
            if part[-3:].isalpha() and is_currency(part[-3:]):
                try:
                    return str(schwifty.IBAN(part[:-3]).compact), None
                except ValueError:
                    pass
            return None, f"{raw!r} is not a valid IBAN: {exc}"
    return None, None


def _statement_id(block: _Block) -> str:
    """The statement number (``:28C:``), else the reference (``:20:``).

    Banks that do not number their statements write zeros (``:28C:0``, ``:28:00000/00``,
    Rabobank, ING); the reference tells those statements apart, the zeros do not.
    """
    if block.number and block.number.strip("0/"):
        return block.number
    return block.reference or block.number or ""


def _available_balance_currency(tags: list[Tag]) -> str | None:
    """The currency of an available balance (``:64:``/``:65:``), for a statement whose opening
    and closing balances name none. These balances are not checked: nothing else is read
    from them, so a malformed one is no reason to refuse the file."""
    for tag in tags:
        match = _BALANCE_RE.match(tag.first_line.upper())
        currency = match.group("currency") if match else None
        if currency and (is_currency(currency) or currency in LEGACY_CURRENCIES):
            return currency
    return None


def _is_return(line: _Line61, details: Details | None) -> bool:
    """An R-mark (RC/RD), a "returned item" transaction type, or a German return GVC."""
    if line.mark.startswith("R"):
        return True
    if line.type_code and line.type_code[1:] == _RETURN_TYPE:
        return True
    return bool(details and details.gvc in RETURN_GVCS)


def _return_reason(details: Details | None) -> str | None:
    """The posting text (``?00``, e.g. "RETOURE"), with the SEPA reason the bank coded into
    the text key extension (``?34``, e.g. 912 = debtor's objection) in brackets."""
    if details is None or not details.posting_text:
        return None
    code = details.text_key_extension
    return f"{details.posting_text} ({code})" if code else details.posting_text


def _library_totals(
    marks: list[str], transactions: list[BankTransaction]
) -> tuple[Decimal, Decimal]:
    """(credit_total, debit_total) as the corpus manifest computes them with the library's
    default signs: everything but a plain ``D`` counts as credit, so ``RC`` does."""
    credit = debit = Decimal("0")
    for mark, tx in zip(marks, transactions, strict=True):
        if mark == "D":
            debit += tx.amount
        else:
            credit += tx.amount
    return credit, debit


def _reference(text: str | None) -> str | None:
    value = (text or "").strip()
    return None if value.upper() in _NO_REFERENCE else value


def _yymmdd(text: str) -> date:
    """A balance date; two-digit years are 20YY, as the library reads them."""
    return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))


def _plain_date(value: date) -> date:
    """The library's ``Date`` subclass as a plain ``datetime.date``."""
    return date(value.year, value.month, value.day)

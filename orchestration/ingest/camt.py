"""ISO 20022 camt.053 (bank-to-customer statement) and camt.054 (debit/credit notification).

One parser for both messages and all their versions (.001.02 to .001.08 as DESIGN.md promises,
later ones tolerated): the elements Forderwerk reads kept their names and places across
versions, apart from a few that moved (``Sts/Cd`` and ``Pty/Nm`` in .08, ``TxDtls/Amt`` from
.04), which are looked up in both places.

A file is taken whole or not at all: every problem found is collected as an :class:`Issue`
naming its XML path, and any issue refuses the file with :class:`IngestError`. The checks are
those that protect the receivables: exact amounts and ISO currencies, valid dates, a valid
account IBAN, statements whose balances add up, and batch entries whose transactions add up
to the booked amount. What a file says about other parties (a payer's IBAN, say) is kept as
given, because a typo at the payer's bank is no reason to lose the payment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

import schwifty
from lxml import etree

from orchestration.ingest.bank_model import (
    RETURN_GVCS,
    BankStatement,
    BankTransaction,
    ParsedBankFile,
    assign_bank_references,
)
from orchestration.ingest.codes import is_currency, parse_amount
from orchestration.ingest.errors import IngestError, Issue, fail
from orchestration.ingest.xml_safety import parse_untrusted_xml

CAMT_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt"
_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(\d{3})\.001\.(\d{2})$")
#: message number -> (message element, statement element)
_MESSAGES = {"053": ("BkToCstmrStmt", "Stmt"), "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}
#: .001.01 predates the structure this parser reads. .13 is the newest version ISO 20022
#: has published of camt.053 and camt.054 that this parser was checked against; a later
#: (or invented, such as .99) namespace is refused until its structure is checked and
#: the bound raised here, instead of being read as if it were a known one.
FIRST_VERSION = 2
LAST_VERSION = 13

_NOT_BOOKED = frozenset({"PDNG", "INFO", "FUTR"})

#: ISO bank transaction sub-families that report money coming back: payment returns,
#: cancellations, unpaid or reversed direct debits, ACH returns and reversals.
RETURN_SUBFAMILIES = frozenset({"RRTN", "RPCR", "UPDD", "PRDD", "ARET", "AREV"})
#: SWIFT transaction type of a returned item, as used in German "NRTI+109" proprietary codes.
RETURN_SWIFT_CODES = frozenset({"NRTI", "RTI"})
_GVC_ISSUERS = frozenset({"ZKA", "DK"})

_NO_END_TO_END = frozenset({"NOTPROVIDED", "NOT PROVIDED", "NONREF"})
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")
#: Elements that repeat and are therefore always given an index in issue locations.
_INDEXED = frozenset({"Stmt", "Ntfctn", "Ntry", "TxDtls", "Bal"})


# --------------------------------------------------------------------------- sniffing


def looks_like_camt(data: bytes) -> bool:
    """Cheap routing test: an XML document that mentions a camt namespace or message.

    Deliberately generous (a camt.052 or a namespace-less ``BkToCstmr...`` file also says
    yes) so that such files reach :func:`parse_camt` and are refused with a clear reason
    instead of being reported as an unknown format.
    """
    head = _decoded_head(data)
    if not head.lstrip("\ufeff \t\r\n").startswith("<"):
        return False
    return CAMT_NAMESPACE in head or "BkToCstmr" in head


def _decoded_head(data: bytes, size: int = 16384) -> str:
    """The first bytes of ``data`` as text, honouring a UTF-16/32 byte-order mark."""
    head = data[:size]
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    return head.decode("utf-8", errors="ignore")


# --------------------------------------------------------------------------- document access


@dataclass
class _Doc:
    """The document's namespace and file name, and the issues found so far."""

    file: str
    ns: str
    source_format: str
    strict: bool = False
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    _paths: dict[str, str] = field(default_factory=dict, repr=False)

    def q(self, path: str) -> str:
        """``"Refs/EndToEndId"`` -> the namespaced ElementPath lxml needs (memoised)."""
        found = self._paths.get(path)
        if found is None:
            found = "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))
            self._paths[path] = found
        return found

    def find(self, el: etree._Element, path: str) -> etree._Element | None:
        return el.find(self.q(path))

    def findall(self, el: etree._Element, path: str) -> list[etree._Element]:
        return el.findall(self.q(path))

    def text(self, el: etree._Element | None, path: str) -> str | None:
        """Stripped text of the first element at ``path``; None when absent or blank."""
        found = None if el is None else self.find(el, path)
        if found is None or found.text is None:
            return None
        return found.text.strip() or None

    def add(self, location: str, field_name: str, message: str) -> None:
        self.issues.append(Issue(self.file, location, field_name, message))

    def doubt(self, location: str, field_name: str, message: str) -> None:
        """A bank's statement that contradicts itself (balances, its own IBAN).

        The transactions themselves are readable, and refusing them would leave paid
        invoices open and dunned; so by default they load and the doubt is recorded as a
        warning on the file and the statement (``strict`` refuses instead).
        """
        target = self.issues if self.strict else self.warnings
        target.append(Issue(self.file, location, field_name, message))


def _indexed(name: str, index: int) -> str:
    return f"{name}[{index}]" if name in _INDEXED else name


# --------------------------------------------------------------------------- entry point


def parse_camt(
    data: bytes,
    file_name: str,
    *,
    strict: bool = False,
) -> ParsedBankFile:
    """Parse a camt.053 or camt.054 file; raise :class:`IngestError` if it must be refused.

    A statement whose balances do not add up, or whose account IBAN fails its checksum, is
    a warning (``ParsedBankFile.warnings``, and ``balance_difference`` on the statement);
    with ``strict`` it refuses the file like any other issue.
    """
    root = parse_untrusted_xml(data, file_name)
    message, version, ns = _identify(root, file_name)
    group_name, statement_name = _MESSAGES[message]
    doc = _Doc(file_name, ns, f"camt.{message}.001.{version}", strict=strict)
    group = doc.find(root, group_name)
    statements = [] if group is None else doc.findall(group, statement_name)
    if not statements:
        raise fail(
            file_name,
            f"/Document/{group_name}" if group is not None else "/Document",
            statement_name,
            f"a camt.{message} document must contain at least one "
            f"{group_name}/{statement_name}; this one has none",
        )
    msg_id = doc.text(group, "GrpHdr/MsgId")
    result = ParsedBankFile()
    for index, element in enumerate(statements, start=1):
        path = f"/Document/{group_name}/{_indexed(statement_name, index)}"
        parsed = _parse_statement(doc, element, path, index, msg_id)
        if parsed is not None:
            result.statements.append(parsed[0])
            result.transactions.extend(parsed[1])
    if doc.issues:
        raise IngestError(doc.issues)
    result.transactions = assign_bank_references(result.transactions)
    result.warnings = doc.warnings
    return result


def _identify(root: etree._Element, file_name: str) -> tuple[str, str, str]:
    """(message number, version, namespace) of a camt.053/054 document, or refuse it."""
    qname = etree.QName(root)
    ns = qname.namespace
    expected = f"{CAMT_NAMESPACE}.053.001.NN or {CAMT_NAMESPACE}.054.001.NN"
    if qname.localname != "Document":
        raise fail(file_name, f"/{qname.localname}", "", "root element must be Document")
    if not ns:
        raise fail(file_name, "/Document", "xmlns", f"has no XML namespace; expected {expected}")
    match = _NAMESPACE.match(ns)
    if match is None:
        if ns.startswith(CAMT_NAMESPACE):
            reason = "names no camt message and version"
        else:
            reason = "is not an ISO 20022 camt bank statement"
        raise fail(
            file_name, "/Document", "xmlns", f"namespace {ns!r} {reason}; expected {expected}"
        )
    message, version = match.groups()
    if message not in _MESSAGES:
        raise fail(
            file_name,
            "/Document",
            "xmlns",
            f"namespace {ns!r} is a camt.{message} message; only camt.053 (statement) and "
            "camt.054 (debit/credit notification) are accepted",
        )
    if not FIRST_VERSION <= int(version) <= LAST_VERSION:
        raise fail(
            file_name,
            "/Document",
            "xmlns",
            f"camt.{message}.001.{version} is not a version this parser knows; versions "
            f".001.{FIRST_VERSION:02d} to .001.{LAST_VERSION:02d} are accepted",
        )
    return message, version, ns


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class _Balance:
    code: str
    amount: Decimal  # signed: DBIT negative
    currency: str
    day: date | None


@dataclass(frozen=True)
class _Entry:
    """What an Ntry says as a whole; its TxDtls refine it into rows."""

    path: str
    index: int
    amount: Decimal
    currency: str
    direction: str
    booking_date: date
    value_date: date | None
    reversal: bool
    return_by_code: bool
    bank_tx_code: str | None
    entry_ref: str | None


def _parse_statement(
    doc: _Doc,
    stmt: etree._Element,
    path: str,
    index: int,
    msg_id: str | None,
) -> tuple[BankStatement, list[BankTransaction]] | None:
    """One Stmt/Ntfctn: its account, balances, booked entries and their transactions."""
    before = len(doc.issues)
    account = _account(doc, stmt, path)
    before_money = len(doc.issues)
    statement_id = (
        doc.text(stmt, "Id") or doc.text(stmt, "ElctrncSeqNb") or f"{msg_id or doc.file}/{index}"
    )
    balances = _balances(doc, stmt, path)
    opening = balances.get("OPBD") or balances.get("PRCD")
    closing = balances.get("CLBD")
    entries: list[_Entry] = []
    transactions: list[BankTransaction] = []
    created = _notification_created(doc, stmt)
    for n, ntry in enumerate(doc.findall(stmt, "Ntry"), start=1):
        entry_path = f"{path}/Ntry[{n}]"
        if not _is_booked(doc, ntry, entry_path):
            continue
        entry = _parse_entry(doc, ntry, entry_path, n, created)
        if entry is None:
            continue
        entries.append(entry)
        transactions.extend(_rows(doc, ntry, entry, account or "", statement_id))
    credits = sum((e.amount for e in entries if e.direction == "credit"), Decimal("0.00"))
    debits = sum((e.amount for e in entries if e.direction == "debit"), Decimal("0.00"))
    if len(doc.issues) == before_money:
        # Only with every balance and entry readable; a bad account id does not stop it.
        _check_balances(doc, path, statement_id, opening, closing, entries, credits, debits)
    if len(doc.issues) > before or account is None:
        return None
    statement = BankStatement(
        account_iban=account,
        statement_id=statement_id,
        currency=_statement_currency(doc, stmt, opening or closing, entries),
        opening_balance=opening.amount if opening else None,
        closing_balance=closing.amount if closing else None,
        opening_date=opening.day if opening else None,
        closing_date=closing.day if closing else None,
        entries=len(entries),
        credit_total=credits,
        debit_total=debits,
        source_format=doc.source_format,
        balance_difference=(
            closing.amount - (opening.amount + credits - debits)
            if opening and closing and opening.currency == closing.currency
            else None
        ),
    )
    return statement, transactions


def _account(doc: _Doc, stmt: etree._Element, path: str) -> str | None:
    """The statement's account: its IBAN (validated), else the bank's own account id."""
    iban = doc.text(stmt, "Acct/Id/IBAN")
    if iban is not None:
        compact = re.sub(r"\s+", "", iban).upper()
        try:
            schwifty.IBAN(compact)
        except ValueError as exc:
            doc.doubt(f"{path}/Acct/Id/IBAN", "IBAN", f"{iban!r} is not a valid IBAN: {exc}")
        return compact
    other = doc.text(stmt, "Acct/Id/Othr/Id")
    if other is not None:
        return other
    doc.add(f"{path}/Acct/Id", "Acct", "names no account (neither IBAN nor Othr/Id)")
    return None


def _statement_currency(
    doc: _Doc, stmt: etree._Element, balance: _Balance | None, entries: list[_Entry]
) -> str | None:
    """The balances' currency, else the account's declared one, else the first entry's."""
    if balance is not None:
        return balance.currency
    declared = doc.text(stmt, "Acct/Ccy")
    if declared is not None and is_currency(declared):
        return declared
    return entries[0].currency if entries else None


def _balances(doc: _Doc, stmt: etree._Element, path: str) -> dict[str, _Balance]:
    """The opening (OPBD, PRCD) and closing (CLBD) balances, first of each kind."""
    result: dict[str, _Balance] = {}
    for n, bal in enumerate(doc.findall(stmt, "Bal"), start=1):
        code = doc.text(bal, "Tp/CdOrPrtry/Cd")
        if code not in {"OPBD", "PRCD", "CLBD"} or code in result:
            continue
        bal_path = f"{path}/Bal[{n}]"
        money = _money(doc, doc.find(bal, "Amt"), f"{bal_path}/Amt")
        direction = _direction(doc, bal, bal_path)
        holder = doc.find(bal, "Dt")
        day = _date(doc, holder, f"{bal_path}/Dt") if holder is not None else None
        if money is not None and direction is not None:
            amount = money[0] if direction == "credit" else -money[0]
            result[code] = _Balance(code, amount, money[1], day)
    return result


def _check_balances(
    doc: _Doc,
    path: str,
    statement_id: str,
    opening: _Balance | None,
    closing: _Balance | None,
    entries: list[_Entry],
    credits: Decimal,
    debits: Decimal,
) -> None:
    """Refuse a statement whose booked entries do not lead from opening to closing balance.

    A statement that does not add up is missing entries or has wrong ones; loading it would
    put a wrong cash position, and possibly phantom or lost payments, into the warehouse.
    """
    if opening is None or closing is None:
        return
    if opening.currency != closing.currency:
        doc.doubt(
            f"{path}/Bal",
            "Ccy",
            f"statement {statement_id!r}: opening balance is in {opening.currency} but closing "
            f"balance in {closing.currency}",
        )
        return
    foreign = sorted({e.currency for e in entries} - {opening.currency})
    if foreign:
        doc.doubt(
            path,
            "Ccy",
            f"statement {statement_id!r}: booked entries in {', '.join(foreign)} cannot be "
            f"reconciled with the {opening.currency} balances",
        )
        return
    expected = opening.amount + credits - debits
    if expected != closing.amount:
        doc.doubt(
            path,
            "Bal",
            f"statement {statement_id!r} does not add up: opening balance ({opening.code}) "
            f"{opening.amount} + credits {credits} - debits {debits} = {expected}, but the "
            f"closing balance (CLBD) is {closing.amount} (difference "
            f"{closing.amount - expected}) {opening.currency}",
        )


# --------------------------------------------------------------------------- entries


def _is_booked(doc: _Doc, ntry: etree._Element, path: str) -> bool:
    """Sts BOOK (``Sts/Cd`` from .08 on) or no Sts: booked; PDNG, INFO, FUTR: not booked."""
    sts = doc.find(ntry, "Sts")
    if sts is None:
        return True
    status = doc.text(sts, "Cd") or doc.text(sts, "Prtry") or (sts.text or "").strip()
    if not status or status == "BOOK":
        return True
    if status in _NOT_BOOKED:
        return False
    doc.add(f"{path}/Sts", "Sts", f"unknown entry status {status!r} (expected BOOK, PDNG, INFO)")
    return False


def _notification_created(doc: _Doc, stmt: etree._Element) -> date | None:
    """A camt.054 notification's creation day (``Ntfctn/CreDtTm``, else the message's
    ``GrpHdr/CreDtTm``): the booking day of an entry that names none. None for camt.053,
    whose entries must carry their own."""
    if not doc.source_format.startswith("camt.054"):
        return None
    text = doc.text(stmt, "CreDtTm")
    if text is None:
        header = stmt.getparent().find(doc.q("GrpHdr"))
        text = doc.text(header, "CreDtTm")
    if text is None or not _DATE_TIME.match(text):
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _parse_entry(
    doc: _Doc, ntry: etree._Element, path: str, index: int, created: date | None = None
) -> _Entry | None:
    """The entry-level facts of a booked Ntry, or None (with issues) if any is unusable.
    A camt.054 entry without booking and value date takes the notification's creation
    day ``created``, with a warning on the file."""
    before = len(doc.issues)
    money = _money(doc, doc.find(ntry, "Amt"), f"{path}/Amt")
    direction = _direction(doc, ntry, path)
    booked_on = _date_in(doc, ntry, "BookgDt", path)
    value_on = _date_in(doc, ntry, "ValDt", path)
    if booked_on is None and value_on is None and len(doc.issues) == before:
        if created is not None:
            booked_on = created
            doc.doubt(
                f"{path}/BookgDt",
                "BookgDt",
                f"the entry names neither booking nor value date: booked on the "
                f"notification's creation day {created.isoformat()}",
            )
        else:
            doc.add(f"{path}/BookgDt", "BookgDt", "a booked entry needs a booking or value date")
    if len(doc.issues) > before or money is None or direction is None:
        return None
    codes = _code_elements(doc, ntry)
    return _Entry(
        path=path,
        index=index,
        amount=money[0],
        currency=money[1],
        direction=direction,
        booking_date=booked_on or value_on,  # type: ignore[arg-type]  # one is set, see above
        value_date=value_on,
        reversal=_is_true(doc.text(ntry, "RvslInd")),
        return_by_code=_is_return_code(doc, codes),
        bank_tx_code=_bank_tx_code(doc, codes),
        entry_ref=doc.text(ntry, "AcctSvcrRef") or doc.text(ntry, "NtryRef"),
    )


def _money(doc: _Doc, amt: etree._Element | None, path: str) -> tuple[Decimal, str] | None:
    """An exact, unsigned amount and its ISO 4217 currency (the ``Ccy`` attribute)."""
    if amt is None:
        doc.add(path, "Amt", "amount is missing")
        return None
    ok = True
    try:
        value = parse_amount(amt.text or "")
    except ValueError as exc:
        doc.add(path, "Amt", f"amount {exc}")
        ok = False
    else:
        if value < 0:
            doc.add(path, "Amt", f"amount {value} is negative; the sign belongs in CdtDbtInd")
            ok = False
    currency = (amt.get("Ccy") or "").strip()
    if not is_currency(currency):
        doc.add(path, "Ccy", f"currency {currency!r} is not an ISO 4217 code")
        ok = False
    return (value, currency) if ok else None


def _direction(doc: _Doc, el: etree._Element, path: str) -> str | None:
    indicator = doc.text(el, "CdtDbtInd")
    if indicator == "CRDT":
        return "credit"
    if indicator == "DBIT":
        return "debit"
    doc.add(f"{path}/CdtDbtInd", "CdtDbtInd", f"must be CRDT or DBIT, not {indicator!r}")
    return None


def _date_in(doc: _Doc, el: etree._Element, name: str, path: str) -> date | None:
    holder = doc.find(el, name)
    return None if holder is None else _date(doc, holder, f"{path}/{name}")


def _date(doc: _Doc, holder: etree._Element, path: str) -> date | None:
    """The date in a BookgDt / ValDt / Bal/Dt: ``Dt``, or the date part of ``DtTm`` as written.

    The date part is taken in the time zone the bank wrote, not converted to UTC, because
    that is the bank's booking day.
    """
    text = doc.text(holder, "Dt")
    if text is not None:
        match = _DATE.match(text)
        try:
            if match is None:
                raise ValueError
            return date.fromisoformat(match.group(1))
        except ValueError:
            doc.add(f"{path}/Dt", "Dt", f"{text!r} is not a valid date (YYYY-MM-DD)")
            return None
    text = doc.text(holder, "DtTm")
    if text is not None:
        try:
            if not _DATE_TIME.match(text):
                raise ValueError
            return datetime.fromisoformat(text).date()
        except ValueError:
            doc.add(f"{path}/DtTm", "DtTm", f"{text!r} is not a valid ISO 8601 date-time")
            return None
    doc.add(path, holder.tag.rpartition("}")[2], "has neither Dt nor DtTm")
    return None


def _is_true(text: str | None) -> bool:
    return (text or "").lower() in {"true", "1"}


# --------------------------------------------------------------------------- bank transaction codes


def _code_elements(doc: _Doc, el: etree._Element) -> etree._Element | None:
    return doc.find(el, "BkTxCd")


def _bank_tx_code(doc: _Doc, bktxcd: etree._Element | None) -> str | None:
    """``Domn/Fmly/SubFmly`` (e.g. ``PMNT/RCDT/ESCT``), else the proprietary code."""
    domain = doc.text(bktxcd, "Domn/Cd")
    family = doc.text(bktxcd, "Domn/Fmly/Cd")
    sub_family = doc.text(bktxcd, "Domn/Fmly/SubFmlyCd")
    if domain and family and sub_family:
        return f"{domain}/{family}/{sub_family}"
    return doc.text(bktxcd, "Prtry/Cd")


def _is_return_code(doc: _Doc, bktxcd: etree._Element | None) -> bool:
    """Whether a BkTxCd reports a return or reversal (ISO sub-family or German GVC)."""
    if bktxcd is None:
        return False
    if doc.text(bktxcd, "Domn/Fmly/SubFmlyCd") in RETURN_SUBFAMILIES:
        return True
    proprietary = (doc.text(bktxcd, "Prtry/Cd") or "").upper()
    tokens = [token.strip() for token in proprietary.split("+")]
    if any(token in RETURN_SWIFT_CODES for token in tokens):
        return True
    issuer = (doc.text(bktxcd, "Prtry/Issr") or "").upper()
    german = "+" in proprietary or issuer in _GVC_ISSUERS
    return german and any(token in RETURN_GVCS for token in tokens)


# --------------------------------------------------------------------------- transactions


def _tx_details(
    doc: _Doc, ntry: etree._Element, entry_path: str
) -> list[tuple[etree._Element, str]]:
    """Every TxDtls of the entry with its path (some banks split them over several NtryDtls)."""
    blocks = doc.findall(ntry, "NtryDtls")
    result = []
    for b, block in enumerate(blocks, start=1):
        block_path = f"{entry_path}/NtryDtls" + (f"[{b}]" if len(blocks) > 1 else "")
        for t, tx in enumerate(doc.findall(block, "TxDtls"), start=1):
            result.append((tx, f"{block_path}/TxDtls[{t}]"))
    return result


def _rows(
    doc: _Doc, ntry: etree._Element, entry: _Entry, account: str, statement_id: str
) -> list[BankTransaction]:
    """The entry's rows: one per TxDtls, or the entry itself when it has none."""
    details = _tx_details(doc, ntry, entry.path)
    if not details:
        return [_row(doc, None, entry, account, statement_id, 1, None)]
    if len(details) == 1:
        tx, path = details[0]
        _check_single(doc, tx, path, entry)
        return [_row(doc, tx, entry, account, statement_id, 1, None)]
    if why := _batch_stands_whole(doc, details, entry):
        return [_batch_row(doc, details, entry, account, statement_id, why)]
    amounts = [_tx_amount(doc, tx, path, entry) for tx, path in details]
    if any(a is None for a in amounts):
        return []
    _check_batch(doc, entry, amounts)  # type: ignore[arg-type]  # no None, see above
    return [
        _row(doc, tx, entry, account, statement_id, t, amount)
        for t, ((tx, _), amount) in enumerate(zip(details, amounts, strict=True), start=1)
    ]


def _batch_stands_whole(
    doc: _Doc, details: list[tuple[etree._Element, str]], entry: _Entry
) -> str | None:
    """Why a batch entry's transactions cannot be rows of their own, or None.

    Transactions without amounts of their own cannot be split from the booked total; ones
    in another currency than the booking, or reading as the opposite direction (a debit
    batch whose details read as credits), would load money the bank did not book that way
    (a credit row is incoming money to cash application). The entry then loads as one row
    of the booked amount, for a person to apply."""
    no_amount = [
        path for tx, path in details if next(_amount_candidates(doc, tx, path), None) is None
    ]
    if no_amount:
        return (
            f"a batch of {len(details)} transactions, {len(no_amount)} without an amount of "
            "their own: loaded as one booking of the entry's amount, to apply by hand"
        )
    foreign, contrary = set(), 0
    for tx, path in details:
        # as _tx_amount: an amount in the entry's currency, if the transaction has one, is
        # the one that counts; only a transaction without one is foreign
        currencies = {(el.get("Ccy") or "").strip() for el, _ in _amount_candidates(doc, tx, path)}
        if entry.currency not in currencies:
            foreign.update(c for c in currencies if c)
        indicator = doc.text(tx, "CdtDbtInd")
        if indicator in ("CRDT", "DBIT") and (indicator == "CRDT") != (entry.direction == "credit"):
            contrary += 1
    if foreign:
        return (
            f"a batch of {len(details)} transactions in {', '.join(sorted(foreign))}, booked "
            f"in {entry.currency}: loaded as one booking of the entry's amount, to apply by hand"
        )
    if contrary:
        return (
            f"a {entry.direction} batch of {len(details)} transactions, {contrary} of them "
            f"reading as the opposite direction: loaded as one booking of the entry's "
            "amount, to apply by hand"
        )
    return None


def _batch_row(
    doc: _Doc,
    details: list[tuple[etree._Element, str]],
    entry: _Entry,
    account: str,
    statement_id: str,
    why: str,
) -> BankTransaction:
    """The batch entry as one row of its booked amount, carrying every transaction's
    remittance text and the payer where all name the same one, flagged for review (and
    warned on the file)."""
    doc.warnings.append(Issue(doc.file, f"{entry.path}/NtryDtls", "TxDtls", why))
    rows = [_row(doc, tx, entry, account, statement_id, 1, None) for tx, _ in details]
    texts = [r.remittance_text for r in rows if r.remittance_text]
    payers = {(r.counterparty_name, r.counterparty_iban) for r in rows}
    references = {r.structured_reference for r in rows}
    name, iban = payers.pop() if len(payers) == 1 else (None, None)
    return replace(
        rows[0],
        end_to_end_id=None,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance_text=" | ".join(texts) or None,
        structured_reference=references.pop() if len(references) == 1 else None,
        entry_ref=entry.entry_ref,
        review_reason=why,
    )


@dataclass(frozen=True)
class _TxAmount:
    amount: Decimal
    currency: str
    direction: str


def _amount_candidates(
    doc: _Doc, tx: etree._Element, path: str
) -> Iterable[tuple[etree._Element, str]]:
    for sub in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        found = doc.find(tx, sub)
        if found is not None:
            yield found, f"{path}/{sub}"


def _tx_amount(doc: _Doc, tx: etree._Element, path: str, entry: _Entry) -> _TxAmount | None:
    """A batch transaction's own amount.

    ``TxDtls/Amt`` (from .04) is by definition the part of the booked entry, so it comes
    first, then the transaction amount, then the instructed amount; of those present, one in
    the entry's currency is preferred, since only that can add up to the entry.
    """
    found = []
    for el, el_path in _amount_candidates(doc, tx, path):
        money = _money(doc, el, el_path)
        if money is None:
            return None
        found.append(money)
    if not found:
        doc.add(
            f"{path}/AmtDtls",
            "Amt",
            f"amount is missing: entry {entry.index} is a batch of several transactions, "
            "so each needs its own amount",
        )
        return None
    value, currency = next((m for m in found if m[1] == entry.currency), found[0])
    direction = _tx_direction(doc, tx, path, entry)
    return None if direction is None else _TxAmount(value, currency, direction)


def _tx_direction(doc: _Doc, tx: etree._Element, path: str, entry: _Entry) -> str | None:
    if doc.find(tx, "CdtDbtInd") is None:
        return entry.direction
    return _direction(doc, tx, path)


def _check_single(doc: _Doc, tx: etree._Element, path: str, entry: _Entry) -> None:
    """A lone TxDtls is the entry: its booked amount and direction must agree with it."""
    amt = doc.find(tx, "Amt")
    if amt is not None:
        money = _money(doc, amt, f"{path}/Amt")
        if money is not None and money[1] == entry.currency and money[0] != entry.amount:
            doc.add(
                f"{path}/Amt",
                "Amt",
                f"transaction amount {money[0]} differs from its entry's amount {entry.amount}",
            )
    direction = _tx_direction(doc, tx, path, entry)
    if direction is not None and direction != entry.direction:
        doc.add(f"{path}/CdtDbtInd", "CdtDbtInd", "contradicts the entry's CdtDbtInd")


def _check_batch(doc: _Doc, entry: _Entry, amounts: list[_TxAmount]) -> None:
    """The transactions of a batch must add up to the booked entry (when comparable).

    Otherwise cash application would apply more or less money than the bank booked.
    """
    if any(a.currency != entry.currency for a in amounts):
        return
    signed = sum(
        (a.amount if a.direction == entry.direction else -a.amount for a in amounts),
        Decimal("0.00"),
    )
    if signed != entry.amount:
        doc.add(
            f"{entry.path}/NtryDtls",
            "TxDtls",
            f"the {len(amounts)} transactions of the batch add up to {signed} {entry.currency}, "
            f"but the entry books {entry.amount} {entry.currency}",
        )


def _row(
    doc: _Doc,
    tx: etree._Element | None,
    entry: _Entry,
    account: str,
    statement_id: str,
    tx_index: int,
    batch_amount: _TxAmount | None,
) -> BankTransaction:
    """One warehouse row from an entry and (optionally) one of its TxDtls."""
    tx_codes = _code_elements(doc, tx) if tx is not None else None
    direction = batch_amount.direction if batch_amount else entry.direction
    is_return = (
        entry.reversal
        or entry.return_by_code
        or _is_return_code(doc, tx_codes)
        or (tx is not None and doc.find(tx, "RtrInf") is not None)
    )
    name, iban = _counterparty(doc, tx, direction, account, is_return)
    end_to_end = doc.text(tx, "Refs/EndToEndId")
    return BankTransaction(
        account_iban=account,
        statement_id=statement_id,
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount=batch_amount.amount if batch_amount else entry.amount,
        currency=batch_amount.currency if batch_amount else entry.currency,
        direction=direction,
        is_return=is_return,
        bank_reference="",  # set by assign_bank_references
        end_to_end_id=None if (end_to_end or "").upper() in _NO_END_TO_END else end_to_end,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance_text=_remittance_text(doc, tx),
        structured_reference=doc.text(tx, "RmtInf/Strd/CdtrRefInf/Ref"),
        bank_tx_code=_bank_tx_code(doc, tx_codes) or entry.bank_tx_code,
        return_reason=_return_reason(doc, tx),
        entry_ref=doc.text(tx, "Refs/AcctSvcrRef") or entry.entry_ref,
        entry_index=entry.index,
        tx_index=tx_index,
        entry_amount=entry.amount if batch_amount else None,
        source_format=doc.source_format,
    )


def _party(doc: _Doc, tx: etree._Element, role: str) -> tuple[str | None, str | None]:
    """Name (``Nm``, or ``Pty/Nm`` from .08) and IBAN of ``Dbtr`` or ``Cdtr``."""
    name = doc.text(tx, f"RltdPties/{role}/Nm") or doc.text(tx, f"RltdPties/{role}/Pty/Nm")
    iban = doc.text(tx, f"RltdPties/{role}Acct/Id/IBAN")
    return name, (re.sub(r"\s+", "", iban).upper() if iban else None)


def _counterparty(
    doc: _Doc, tx: etree._Element | None, direction: str, account: str, is_return: bool
) -> tuple[str | None, str | None]:
    """The other side: the debtor of a credit, the creditor of a debit.

    Returns, and some banks, report the parties of the original payment, so the party in that
    role can be the account holder itself (its IBAN is the statement's account), or, for a
    return, be left out (a refunded direct debit names only its debtor, the customer); then
    the other party is the counterparty.
    """
    if tx is None:
        return None, None
    primary, other = ("Dbtr", "Cdtr") if direction == "credit" else ("Cdtr", "Dbtr")
    name, iban = _party(doc, tx, primary)
    ourselves = iban is not None and iban == account
    if ourselves or (is_return and name is None and iban is None):
        other_name, other_iban = _party(doc, tx, other)
        if (other_name or other_iban) and other_iban != account:
            return other_name, other_iban
    return name, iban


def _remittance_text(doc: _Doc, tx: etree._Element | None) -> str | None:
    """All unstructured remittance lines, whitespace collapsed, joined with single spaces."""
    if tx is None:
        return None
    parts = [" ".join((el.text or "").split()) for el in doc.findall(tx, "RmtInf/Ustrd")]
    text = " ".join(part for part in parts if part)
    return text or None


def _return_reason(doc: _Doc, tx: etree._Element | None) -> str | None:
    if tx is None:
        return None
    return doc.text(tx, "RtrInf/Rsn/Cd") or doc.text(tx, "RtrInf/Rsn/Prtry")

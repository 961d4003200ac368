"""The one shape every bank format (camt.053, camt.054, MT940) is parsed into.

Rows of :class:`BankTransaction` become ``raw.bank__transactions`` (DESIGN.md, Warehouse);
rows of :class:`BankStatement` become ``raw.bank__statements``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from orchestration.ingest.errors import Issue

#: German GVCs (DK Geschäftsvorfallcodes) of payments that came back: 108/109 SEPA direct
#: debit returned (B2B/Core, "Rücklastschrift"), 159/160 SEPA credit transfer returned
#: ("Retoure", standard/instant), 181/184 SEPA direct debit re-credited after a return
#: ("Wiedergutschrift", Core/B2B). Not 820 ("Umbuchung", a transfer between own accounts).
RETURN_GVCS = frozenset({"108", "109", "159", "160", "181", "184"})


@dataclass(frozen=True)
class BankTransaction:
    """One booked transaction; each TxDtls of a camt batch entry is its own row."""

    account_iban: str  # the statement's account (IBAN, or the bank's account id when not an IBAN)
    statement_id: str
    booking_date: date
    value_date: date | None
    amount: Decimal  # always positive; the sign is in ``direction``
    currency: str
    direction: str  # "credit" | "debit"
    is_return: bool  # a returned / reversed payment (camt RvslInd, return codes; MT940 R-marks)
    bank_reference: str  # unique per account; see :func:`assign_bank_references`
    end_to_end_id: str | None
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance_text: str | None  # unstructured remittance, joined with single spaces
    structured_reference: str | None  # creditor reference (RF ISO 11649 or national)
    bank_tx_code: str | None = None  # camt BkTxCd (Domn/Fmly/SubFmly or Prtry) / MT940 GVC
    return_reason: str | None = None  # e.g. camt RtrInf/Rsn/Cd "AC04", MT940 ?00 text
    entry_ref: str | None = None  # the bank's own reference as given (AcctSvcrRef, :61: //ref)
    entry_index: int = 0  # 1-based position of the entry in its statement
    tx_index: int = 1  # 1-based position of the TxDtls within its entry (1 when none)
    entry_amount: Decimal | None = None  # the whole entry's amount when it is a batch
    source_format: str = ""  # "camt.053.001.08", "camt.054.001.02", "mt940"
    #: why this row is for a person to apply, not for automatic matching: a batch entry
    #: loaded whole because its transactions cannot stand as rows of their own
    review_reason: str | None = None

    def content_key(self) -> str:
        """A hash of what the bank said about this transaction, to detect conflicting resends."""
        parts = [
            self.account_iban,
            self.booking_date.isoformat(),
            self.value_date.isoformat() if self.value_date else "",
            f"{self.amount:.2f}",
            self.currency,
            self.direction,
            str(self.is_return),
            self.end_to_end_id or "",
            self.counterparty_iban or "",
            self.remittance_text or "",
            self.structured_reference or "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class BankStatement:
    """One statement (camt Stmt/Ntfctn, MT940 :20:-:62: block) and its balances."""

    account_iban: str
    statement_id: str
    currency: str | None
    opening_balance: Decimal | None  # signed; None when the format has none (camt.054)
    closing_balance: Decimal | None
    opening_date: date | None
    closing_date: date | None
    entries: int  # booked entries (camt Ntry, MT940 :61:)
    credit_total: Decimal
    debit_total: Decimal
    source_format: str
    #: closing − (opening + credits − debits); None when a balance is missing. Non-zero
    #: means the statement contradicts itself (entries missing or wrong): loaded, flagged.
    balance_difference: Decimal | None = None


@dataclass
class ParsedBankFile:
    """Everything one bank file says; ``transactions`` already carry unique bank references."""

    statements: list[BankStatement] = field(default_factory=list)
    transactions: list[BankTransaction] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)  # loaded anyway, recorded on the file


def transaction_columns() -> list[str]:
    return [f.name for f in fields(BankTransaction)]


def statement_columns() -> list[str]:
    return [f.name for f in fields(BankStatement)]


def derived_reference(tx: BankTransaction, occurrence: int) -> str:
    """A stable reference for a transaction the bank gave no usable reference for.

    It depends only on what the bank said (not on file name or position in the file), so the
    same transaction in two overlapping statements gets the same reference, while two equal
    transfers on one day are told apart by their occurrence number.
    """
    return f"D:{tx.content_key()[:24]}:{occurrence}"


#: What banks write when they have no reference to give.
_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "N/A"})


def assign_bank_references(transactions: list[BankTransaction]) -> list[BankTransaction]:
    """Give every transaction of one file a ``bank_reference`` unique within its account.

    The bank's own reference (``entry_ref``) is used when it has one, suffixed ``/n`` for the
    n-th TxDtls of a batch entry; otherwise :func:`derived_reference`. A reference that still
    repeats inside the file (some banks reuse them) gets ``#n`` from its second use on, so
    two distinct transactions never share a key.
    """
    from dataclasses import replace

    occurrences: Counter[tuple[str, str]] = Counter()
    result = []
    for tx in transactions:
        ref = (tx.entry_ref or "").strip()
        if ref.upper() in _NO_REFERENCE:
            occurrences[(tx.account_iban, "D:" + tx.content_key())] += 1
            base = derived_reference(tx, occurrences[(tx.account_iban, "D:" + tx.content_key())])
        else:
            base = f"{ref}/{tx.tx_index}" if tx.entry_amount is not None else ref
        occurrences[(tx.account_iban, base)] += 1
        n = occurrences[(tx.account_iban, base)]
        result.append(replace(tx, bank_reference=base if n == 1 else f"{base}#{n}"))
    return result

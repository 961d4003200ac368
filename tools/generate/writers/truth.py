"""The generator's ground truth, for tests and benchmarks of cash application and OPOS.

``bank_payments.csv``: one row per (bank transaction, document) the payer intended. Amounts
are signed: a credit note the payer deducted and a returned direct debit are negative, so the
truth amounts of one document add up to what the bank finally brought in for it. A credit's
truth rows add up to its amount less any overpayment left unapplied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from tools.generate.ledger import Statement
from tools.generate.model import Customer, Document

BANK_COLUMNS = ("account_iban", "bank_reference", "document_id", "amount", "kind")
OPEN_COLUMNS = (
    "document_id",
    "customer_id",
    "document_type",
    "currency",
    "amount",
    "open_amount",
    "due_date",
    "days_past_due",
    "in_dispute",
)


def _csv(rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def bank_payments(statements: dict[str, list[Statement]]) -> bytes:
    rows: list[Iterable[object]] = [BANK_COLUMNS]
    for account_statements in statements.values():
        for statement in account_statements:
            iban = statement.account.iban
            for entry in statement.entries:
                for tx in entry.txs:
                    for a in tx.truth:
                        doc = a.document.document_id if a.document else ""
                        rows.append((iban, tx.reference, doc, f"{a.amount:.2f}", a.kind))
    return _csv(rows)


def personalities(customers: list[Customer]) -> bytes:
    return _csv(
        [("customer_id", "personality"), *((c.customer_id, c.personality) for c in customers)]
    )


def open_items(documents: list[Document], disputed: set[str], as_of: date) -> bytes:
    """Documents with a remaining amount at the end of the period, as the generator booked
    them (credit notes negative; a credit note is first set against its own invoice)."""
    rows: list[Iterable[object]] = [OPEN_COLUMNS]
    for d in sorted(documents, key=lambda d: d.document_id):
        if d.open == 0:
            continue
        late = max(0, (as_of - d.due_date).days) if d.document_type == "invoice" else 0
        rows.append(
            (
                d.document_id,
                d.customer.customer_id,
                d.document_type,
                d.currency,
                f"{d.amount:.2f}",
                f"{d.open:.2f}",
                d.due_date.isoformat(),
                late,
                "true" if d.document_id in disputed else "false",
            )
        )
    return _csv(rows)

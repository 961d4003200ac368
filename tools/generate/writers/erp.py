"""ERP extracts: the customer master (German dialect full extract plus a UTF-8 delta),
monthly document and payment extracts (UTF-8, comma, decimal point)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from tools.generate.dates import months
from tools.generate.identifiers import format_iban
from tools.generate.model import Customer, Document, ErpPayment
from tools.generate.remittance import german_amount

CUSTOMER_COLUMNS = (
    "customer_id",
    "name",
    "customer_type",
    "country",
    "language",
    "currency",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "vat_id",
    "payment_terms_days",
    "credit_limit",
    "collector",
    "entity",
    "iban",
)
DOCUMENT_COLUMNS = (
    "document_id",
    "document_type",
    "customer_id",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "payment_reference",
    "entity",
    "order_id",
    "description",
    "applies_to_document_id",
)
PAYMENT_COLUMNS = ("payment_id", "customer_id", "document_id", "amount", "currency", "payment_date")


def _csv(rows: Iterable[Iterable[object]], delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def customer_row(c: Customer, german: bool) -> list[str]:
    limit = german_amount(c.credit_limit) if german else f"{c.credit_limit:.2f}"
    return [
        c.customer_id,
        c.name,
        c.customer_type,
        c.country,
        c.language,
        c.currency,
        c.email,
        c.phone,
        c.street,
        c.postal_code,
        c.city,
        c.vat_id,
        str(c.payment_terms_days),
        limit,
        c.collector,
        c.entity,
        format_iban(c.iban) if german else c.iban,
    ]


def customers_full(customers: list[Customer]) -> bytes:
    """The full master extract as a German ERP writes it: Windows-1252, ';', decimal comma."""
    rows = [CUSTOMER_COLUMNS, *(customer_row(c, german=True) for c in customers)]
    return _csv(rows, delimiter=";", newline="\r\n").encode("cp1252")


def customers_delta(changed: list[Customer]) -> bytes:
    rows = [CUSTOMER_COLUMNS, *(customer_row(c, german=False) for c in changed)]
    return _csv(rows).encode("utf-8")


def document_row(d: Document) -> list[str]:
    return [
        d.document_id,
        d.document_type,
        d.customer.customer_id,
        d.issue_date.isoformat(),
        d.due_date.isoformat(),
        f"{d.amount:.2f}",
        d.currency,
        d.payment_reference,
        d.entity,
        d.order_id,
        d.description,
        d.applies_to.document_id if d.applies_to else "",
    ]


def monthly_documents(
    documents: list[Document], start: date, end: date
) -> Iterator[tuple[str, bytes]]:
    """``documents_<YYYY-MM>.csv`` per month with documents (by issue date), in number order.
    Months without any are not written: the ingestion refuses header-only extracts."""
    by_month: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        by_month[f"{d.issue_date:%Y-%m}"].append(d)
    for year, month in months(start, end):
        key = f"{year}-{month:02d}"
        docs = sorted(by_month.get(key, []), key=lambda d: (d.issue_date, d.document_id))
        if docs:
            yield (
                f"documents_{key}.csv",
                _csv([DOCUMENT_COLUMNS, *map(document_row, docs)]).encode(),
            )


def monthly_payments(
    payments: list[ErpPayment], start: date, end: date
) -> Iterator[tuple[str, bytes]]:
    """``payments_<YYYY-MM>.csv`` per month with payments the ERP cleared itself (offsets)."""
    by_month: dict[str, list[ErpPayment]] = defaultdict(list)
    for p in payments:
        by_month[f"{p.payment_date:%Y-%m}"].append(p)
    for year, month in months(start, end):
        key = f"{year}-{month:02d}"
        rows = [
            [
                p.payment_id,
                p.customer_id,
                p.document.document_id if p.document else "",
                f"{p.amount:.2f}",
                p.currency,
                p.payment_date.isoformat(),
            ]
            for p in by_month.get(key, [])
        ]
        if rows:
            yield f"payments_{key}.csv", _csv([PAYMENT_COLUMNS, *rows]).encode()

"""ERP extracts: customers, documents (invoices and credit notes), ERP-cleared payments."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import PurePath

from orchestration.ingest.errors import Issue, fail, raise_issues
from orchestration.ingest.master_data import vat_id_warnings
from orchestration.ingest.schema import Column, check_unique, validate_records
from orchestration.ingest.tabular import Records, read_csv, read_parquet

ENTITIES = ("customers", "documents", "payments")

CUSTOMER_COLUMNS = [
    Column("customer_id"),
    Column("name"),
    Column("customer_type", "code", choices=frozenset({"B2B", "B2C"})),
    Column("country", "country"),
    Column("language", "code", lower=True),
    Column("currency", "currency"),
    Column("email", required=False),
    Column("phone", required=False),
    Column("street", required=False),
    Column("postal_code", required=False),
    Column("city", required=False),
    Column("vat_id", required=False),
    Column("payment_terms_days", "int"),
    Column("credit_limit", "amount", required=False),
    Column("collector", required=False),
    Column("entity"),
    # extension: the payer's known account
    Column("iban", "iban", required=False, may_be_absent=True, warn_only=True),
]

DOCUMENT_COLUMNS = [
    Column("document_id"),
    Column("document_type", "code", choices=frozenset({"invoice", "credit_note"}), lower=True),
    Column("customer_id"),
    Column("issue_date", "date"),
    Column("due_date", "date", required=False),  # §286(3) BGB applies where none is set
    Column("amount", "amount"),
    Column("currency", "currency"),
    Column("payment_reference", required=False),
    Column("entity"),
    Column("order_id", required=False),
    Column("description", required=False),
    # extension: a credit note's invoice
    Column("applies_to_document_id", required=False, may_be_absent=True),
]

PAYMENT_COLUMNS = [
    Column("payment_id"),
    Column("customer_id"),
    Column("document_id", required=False),
    Column("amount", "amount"),
    Column("currency", "currency"),
    Column("payment_date", "date"),
]

SCHEMAS = {
    "customers": CUSTOMER_COLUMNS,
    "documents": DOCUMENT_COLUMNS,
    "payments": PAYMENT_COLUMNS,
}
KEYS = {"customers": "customer_id", "documents": "document_id", "payments": "payment_id"}


@dataclass(frozen=True)
class ErpTable:
    entity: str  # customers | documents | payments
    rows: list[dict[str, object]]
    encoding: str
    #: loaded, with doubts worth a look (an invalid VAT id or IBAN of a customer)
    warnings: list[Issue] = field(default_factory=list)


def erp_entity(file_name: str) -> str | None:
    """Which ERP extract a file is, by its name (DESIGN.md: customers*, documents*, payments*)."""
    path = PurePath(file_name.lower())
    if path.suffix not in {".csv", ".parquet"}:
        return None
    return next((e for e in ENTITIES if path.name.startswith(e)), None)


def read_records(data: bytes, file_name: str) -> Records:
    if file_name.lower().endswith(".parquet"):
        return read_parquet(data, file_name)
    return read_csv(data, file_name)


def parse_erp(data: bytes, file_name: str, known_customers: Collection[str]) -> ErpTable:
    """Validate one ERP extract completely; raise IngestError listing every problem.

    ``known_customers`` are the customer ids already loaded or loaded earlier in this run;
    documents and payments of any other customer are refused, since nobody could dun them.
    """
    entity = erp_entity(file_name)
    if entity is None:
        raise fail(
            file_name,
            "",
            "",
            "file name fits no ERP source "
            "(expected customers*, documents* or payments* as .csv or .parquet)",
        )
    records = read_records(data, file_name)
    warnings: list[Issue] = []
    rows, issues = validate_records(records, SCHEMAS[entity], file_name, warnings)
    issues += check_unique(rows, KEYS[entity], file_name)
    if entity == "customers":
        warnings += vat_id_warnings(rows, file_name)
    if entity == "documents":
        issues += _document_rules(rows, file_name)
    if entity == "payments":
        issues += [
            Issue(file_name, str(r["_line"]), "amount", "must not be zero")
            for r in rows
            if r.get("amount") is not None and r["amount"] == 0
        ]
    if entity in ("documents", "payments"):
        issues += _unknown_customers(rows, known_customers, file_name)
    raise_issues(issues)
    return ErpTable(entity, rows, records.encoding, warnings)


def _document_rules(rows: list[dict[str, object]], file_name: str) -> list[Issue]:
    issues = []
    for row in rows:
        amount, issue_date, due_date = row.get("amount"), row.get("issue_date"), row.get("due_date")
        if amount is not None and amount <= 0:
            issues.append(
                Issue(
                    file_name,
                    str(row["_line"]),
                    "amount",
                    "must be positive (gross; document_type says invoice or credit note)",
                )
            )
        if issue_date and due_date and due_date < issue_date:
            issues.append(
                Issue(
                    file_name,
                    str(row["_line"]),
                    "due_date",
                    f"{due_date} is before issue_date {issue_date}",
                )
            )
    return issues


def _unknown_customers(
    rows: list[dict[str, object]], known: Collection[str], file_name: str
) -> list[Issue]:
    return [
        Issue(file_name, str(r["_line"]), "customer_id", f"unknown customer {r['customer_id']!r}")
        for r in rows
        if r.get("customer_id") is not None and r["customer_id"] not in known
    ]

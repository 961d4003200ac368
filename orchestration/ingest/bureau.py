"""Credit-bureau reports (CSV or JSON), one report per row, matched by customer or VAT id."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import PurePath

from orchestration.ingest.errors import Issue, fail, raise_issues
from orchestration.ingest.schema import Column, validate_records
from orchestration.ingest.tabular import read_csv, read_json_records

# A report is appended, never replaces another, and bureaus deliver what they have: every
# optional field may be left out of a file (a JSON record omits what it does not know).
BUREAU_COLUMNS = [
    Column("customer_id", required=False, may_be_absent=True),
    Column("vat_id", required=False, may_be_absent=True),
    Column("bureau"),
    Column("report_date", "date"),
    Column("score", "decimal", required=False, may_be_absent=True),
    Column("score_scale", required=False, may_be_absent=True),
    Column("rating_class", required=False, may_be_absent=True),
    Column("probability_of_default", "decimal", required=False, may_be_absent=True),
    Column("recommended_limit", "amount", required=False, may_be_absent=True),
    Column("insolvency", "bool", required=False, may_be_absent=True),
    Column("negative_features", required=False, may_be_absent=True),
]


def normalise_vat_id(vat_id: str) -> str:
    """VAT ids compared without spaces, dots and dashes, upper case ("DE 123.456.789")."""
    return re.sub(r"[\s.\-]", "", vat_id).upper()


def parse_bureau(
    data: bytes,
    file_name: str,
    known_customers: Collection[str],
    vat_to_customer: Mapping[str, str],
) -> list[dict[str, object]]:
    """Validate a bureau file; each row gets ``customer_id`` resolved from its VAT id if needed."""
    suffix = PurePath(file_name.lower()).suffix
    if suffix == ".csv":
        records = read_csv(data, file_name)
    elif suffix in (".json", ".jsonl", ".ndjson"):
        records = read_json_records(data, file_name)
    else:
        raise fail(file_name, "", "", "bureau reports must be .csv or .json")
    rows, issues = validate_records(records, BUREAU_COLUMNS, file_name)
    for row in rows:
        issues += _resolve_customer(row, known_customers, vat_to_customer, file_name)
        pd = row.get("probability_of_default")
        if pd is not None and not 0 <= pd <= 1:
            issues.append(
                Issue(
                    file_name,
                    str(row["_line"]),
                    "probability_of_default",
                    f"{pd} is not between 0 and 1",
                )
            )
    raise_issues(issues)
    return rows


def _resolve_customer(
    row: dict[str, object],
    known: Collection[str],
    vat_to_customer: Mapping[str, str],
    file_name: str,
) -> list[Issue]:
    where = str(row["_line"])
    customer_id, vat_id = row.get("customer_id"), row.get("vat_id")
    if vat_id:
        row["vat_id"] = normalise_vat_id(str(vat_id))
    if customer_id:
        if customer_id not in known:
            return [Issue(file_name, where, "customer_id", f"unknown customer {customer_id!r}")]
        return []
    if not vat_id:
        return [Issue(file_name, where, "customer_id", "neither customer_id nor vat_id is given")]
    resolved = vat_to_customer.get(str(row["vat_id"]))
    if resolved is None:
        return [Issue(file_name, where, "vat_id", f"no customer has VAT id {vat_id!r}")]
    row["customer_id"] = resolved
    return []

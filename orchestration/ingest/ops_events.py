"""Operational events in bulk (``landing/ops/events*.csv``), e.g. from a CRM."""

from __future__ import annotations

from collections.abc import Collection

from core.events import EVENT_TYPES
from orchestration.ingest.errors import Issue, fail, raise_issues
from orchestration.ingest.schema import Column, check_unique, validate_records
from orchestration.ingest.tabular import read_csv

# Events are appended by their id, never replace one another: optional columns may be
# left out of a CRM's export.
EVENT_COLUMNS = [
    Column("event_id"),
    Column("at", "timestamp"),
    Column("actor"),
    Column("customer_id"),
    Column("document_id", required=False, may_be_absent=True),
    Column("type", "code", choices=frozenset(EVENT_TYPES), lower=True),
    Column("amount", "amount", required=False, may_be_absent=True),
    Column("until", "date", required=False, may_be_absent=True),
    Column("text", required=False, may_be_absent=True),
]


def parse_ops_events(
    data: bytes, file_name: str, known_customers: Collection[str]
) -> list[dict[str, object]]:
    if not file_name.lower().endswith(".csv"):
        raise fail(file_name, "", "", "ops events must be a .csv file named events*.csv")
    rows, issues = validate_records(read_csv(data, file_name), EVENT_COLUMNS, file_name)
    issues += check_unique(rows, "event_id", file_name)
    for row in rows:
        where = str(row["_line"])
        if row.get("customer_id") and row["customer_id"] not in known_customers:
            issues.append(
                Issue(file_name, where, "customer_id", f"unknown customer {row['customer_id']!r}")
            )
        if row.get("type") == "promise" and row.get("until") is None:
            issues.append(
                Issue(file_name, where, "until", "a promise needs the date it runs until")
            )
    raise_issues(issues)
    return rows

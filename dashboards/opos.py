"""Filtering, sorting and the export shape of the open-item list (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

#: columns of the OPOS export, in order: raw values (numbers stay numbers, dates ISO)
EXPORT_COLUMNS = [
    "document_id",
    "customer_id",
    "customer_name",
    "collector",
    "entity",
    "document_type",
    "payment_reference",
    "issue_date",
    "due_date",
    "currency",
    "amount",
    "paid_amount",
    "open_amount",
    "reporting_currency",
    "open_amount_reporting",
    "days_past_due",
    "aging_bucket",
    "dunning_level",
    "in_dispute",
    "promised_until",
    "dunning_blocked",
    "risk_class",
]
SORTABLE = [
    "days_past_due",
    "open_amount_reporting",
    "due_date",
    "issue_date",
    "customer_name",
    "document_id",
    "dunning_level",
]


@dataclass(frozen=True)
class OposFilter:
    buckets: tuple[str, ...] = ()
    collectors: tuple[str, ...] = ()
    search: str = ""
    min_days_past_due: int = 0
    document_types: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=())  # in_dispute, promised, dunning_blocked
    sort_by: str = "days_past_due"
    descending: bool = True


def apply(items: pd.DataFrame, f: OposFilter) -> pd.DataFrame:
    """The rows that pass every filter given, sorted; a new frame (the cache is untouched)."""
    out = items
    if f.buckets:
        out = out[out["aging_bucket"].isin(f.buckets)]
    if f.collectors:
        out = out[out["collector"].isin(f.collectors)]
    if f.document_types:
        out = out[out["document_type"].isin(f.document_types)]
    if f.min_days_past_due:
        out = out[out["days_past_due"] >= f.min_days_past_due]
    text = f.search.strip().lower()
    if text:
        haystack = (
            out["customer_name"].fillna("")
            + " "
            + out["customer_id"].fillna("")
            + " "
            + out["document_id"].fillna("")
            + " "
            + out["payment_reference"].fillna("")
        ).str.lower()
        out = out[haystack.str.contains(text, regex=False)]
    if f.flags:
        wanted = set(f.flags)
        out = out[[wanted <= set(row_flags) for row_flags in flags_of(out)]]
    sort_by = f.sort_by if f.sort_by in SORTABLE else "days_past_due"
    return out.sort_values(
        [sort_by, "document_id"], ascending=[not f.descending, True], kind="stable"
    ).reset_index(drop=True)


def _true(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def flags_of(items: pd.DataFrame) -> list[tuple[str, ...]]:
    """Per row, which of in_dispute, promised and dunning_blocked hold."""
    return [
        tuple(
            flag
            for flag, on in (
                ("in_dispute", _true(row.in_dispute)),
                ("promised", not pd.isna(row.promised_until)),
                ("dunning_blocked", _true(row.dunning_blocked)),
            )
            if on
        )
        for row in items.itertuples(index=False)
    ]


def export_frame(filtered: pd.DataFrame) -> pd.DataFrame:
    """Exactly the filtered rows, in their order, with the export columns."""
    frame = filtered[[c for c in EXPORT_COLUMNS if c in filtered.columns]].copy()
    for column in ("issue_date", "due_date", "promised_until"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame

"""The overview's headline figures and top debtors, from query results (pure functions)."""

from __future__ import annotations

from datetime import date

import pandas as pd


def _value(frame: pd.DataFrame, column: str) -> float | None:
    if frame.empty or column not in frame:
        return None
    value = frame[column].iloc[-1]
    return None if pd.isna(value) else float(value)


def headline(totals: pd.DataFrame, kpis: pd.DataFrame, as_of: date) -> dict[str, object]:
    """Receivables and overdue from the open items (``open_item_totals``); DSO (both
    methods), best possible DSO and CEI of the as-of date from ``fct_kpis_daily``."""
    receivables = _value(totals, "receivables") or 0.0
    overdue = _value(totals, "overdue") or 0.0
    day = kpis[pd.to_datetime(kpis["kpi_date"]).dt.date == as_of] if not kpis.empty else kpis
    return {
        "receivables": receivables,
        "overdue": overdue,
        "overdue_share": overdue / receivables if receivables > 0 else None,
        "reporting_currency": str(totals["reporting_currency"].iloc[0])
        if not totals.empty
        else "EUR",
        "dso_standard": _value(day, "dso_standard"),
        "dso_countback": _value(day, "dso_countback"),
        "best_possible_dso": _value(day, "best_possible_dso"),
        "cei": _value(day, "cei"),
    }


def top_debtors(
    items: pd.DataFrame, customers: pd.DataFrame | None, limit: int = 10
) -> pd.DataFrame:
    """Customers with the largest open amount (reporting currency) among ``items``, with
    their overdue part and risk class; credit balances never rank."""
    if items.empty:
        return pd.DataFrame(
            columns=[
                "customer_id",
                "customer_name",
                "open_amount_reporting",
                "overdue_amount_reporting",
                "risk_class",
            ]
        )
    frame = items.assign(
        overdue_part=items["open_amount_reporting"].where(items["days_past_due"] > 0, 0)
    )
    grouped = (
        frame.groupby(["customer_id", "customer_name"], as_index=False, dropna=False)
        .agg(
            open_amount_reporting=("open_amount_reporting", "sum"),
            overdue_amount_reporting=("overdue_part", "sum"),
        )
        .round({"open_amount_reporting": 2, "overdue_amount_reporting": 2})
    )
    grouped = grouped[grouped["open_amount_reporting"] > 0]
    grouped = grouped.sort_values(
        ["open_amount_reporting", "customer_id"], ascending=[False, True]
    ).head(limit)
    if customers is not None and not customers.empty:
        grouped = grouped.merge(
            customers[["customer_id", "risk_class"]], on="customer_id", how="left"
        )
    else:
        grouped["risk_class"] = None
    return grouped.reset_index(drop=True)

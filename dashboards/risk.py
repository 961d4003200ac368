"""Risk movers: customers whose risk moved in the last month (pure function).

The marts hold the risk of the as-of date only, so "movers" are read from what changed
in the last month and is in ``dim_customers``: a new bureau report, an insolvency flag,
and the payment-behaviour trend (``avg_days_late_trend``: days later in the last three
months than in the nine before). A risk score history would make this exact.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

TREND_THRESHOLD_DAYS = 5.0


def movers(customers: pd.DataFrame, as_of: date, limit: int = 15) -> pd.DataFrame:
    """Customers ranked by how much their risk moved: insolvency first, then paying later
    (trend >= 5 days), then a bureau report from the last 31 days with PD >= 1 %, then
    paying earlier; each with ``mover_reason``."""
    if customers.empty:
        return customers.assign(mover_reason=pd.Series(dtype=object))
    since = pd.Timestamp(as_of - timedelta(days=31))
    report = pd.to_datetime(customers["bureau_report_date"])
    trend = pd.to_numeric(customers["avg_days_late_trend"], errors="coerce")
    pd_value = pd.to_numeric(customers["probability_of_default"], errors="coerce")
    reasons = pd.Series(None, index=customers.index, dtype=object)
    rank = pd.Series(0.0, index=customers.index)
    insolvent = customers["is_insolvent"].fillna(False).astype(bool)
    recent_report = (report >= since) & (pd_value >= 0.01)
    later, earlier = trend >= TREND_THRESHOLD_DAYS, trend <= -TREND_THRESHOLD_DAYS
    for mask, reason, weight in (
        (earlier, "pays_earlier", 1000),
        (recent_report, "new_bureau_report", 2000),
        (later, "pays_later", 3000),
        (insolvent & (report >= since), "insolvency", 4000),
    ):
        reasons = reasons.where(~mask, reason)
        rank = rank.where(~mask, weight + trend.abs().fillna(0) + pd_value.fillna(0) * 100)
    out = customers.assign(mover_reason=reasons, _rank=rank)
    out = out[out["mover_reason"].notna()]
    return (
        out.sort_values(["_rank", "customer_id"], ascending=[False, True])
        .head(limit)
        .drop(columns="_rank")
        .reset_index(drop=True)
    )

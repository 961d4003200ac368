"""Open disputes with what is at stake, for the disputes page (pure functions)."""

from __future__ import annotations

import pandas as pd

AGE_BUCKETS = ("0-30", "31-60", "61-90", "90+")


def age_bucket(days: int) -> str:
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def with_amounts(
    disputes: pd.DataFrame, items: pd.DataFrame, customers: pd.DataFrame
) -> pd.DataFrame:
    """Disputes of the given customers, with ``customer_name``, ``age_bucket`` and the amount
    at stake in the reporting currency (``amount_reporting``): the disputed document's open
    amount, or for a dispute of the whole customer, all its open items."""
    known = disputes[disputes["customer_id"].isin(customers["customer_id"])].copy()
    names = customers.set_index("customer_id")["name"]
    open_by_doc = items.set_index("document_id")["open_amount_reporting"]
    open_by_customer = customers.set_index("customer_id")["open_amount_reporting"]
    known["customer_name"] = known["customer_id"].map(names)
    known["age_bucket"] = known["age_days"].map(age_bucket)
    known["amount_reporting"] = [
        float(open_by_doc.get(doc, 0.0)) if doc else float(open_by_customer.get(cust, 0.0))
        for doc, cust in zip(known["document_id"], known["customer_id"], strict=True)
    ]
    return known.reset_index(drop=True)

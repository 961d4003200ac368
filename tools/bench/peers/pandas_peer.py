"""The core marts in idiomatic pandas: vectorised filters, merges and group-bys, no Python
loop over rows. Money is integer cents (``Int64``), rates integer millionths, so every
amount is exact and rounds half away from zero like the dbt macros ``finance_fx_convert``
and ``finance_divide``. Definitions: dbt_project/METRICS.md and RISK.md; inputs and
outputs: :mod:`tools.bench.peers`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tools.bench.peers import (
    BEHAVIOUR_WINDOW_MONTHS,
    BUCKETS,
    DUE_DAYS_DEFAULT,
    FX_MAX_RATE_AGE_DAYS,
    OVER_90,
    REPORTING_CURRENCY,
    add_months,
    countback_months,
)

COLUMNS = {
    "documents": [
        "document_id",
        "document_type",
        "customer_id",
        "issue_date",
        "due_date",
        "amount",
        "currency",
        "entity",
        "_file_seq",
        "_row_number",
    ],
    "customers": ["customer_id", "_file_seq", "_row_number"],
    "fx_rates": ["rate_date", "currency", "units_per_eur"],
    "payment_applications": [
        "payment_id",
        "payment_source",
        "document_id",
        "applied_amount",
        "applied_date",
    ],
    "credit_note_applications": ["credit_note_id", "document_id", "applied_amount", "applied_date"],
}


def run(input_dir: Path, out_dir: Path, as_of: date) -> dict[str, int]:
    """Read the inputs, compute the marts, write them as Parquet; rows per mart."""
    marts = compute(read_inputs(input_dir), as_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in marts.items():
        frame.to_parquet(out_dir / f"{name}.parquet", index=False)
    return {name: len(frame) for name, frame in marts.items()}


def read_inputs(input_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_parquet(
            input_dir / f"{name}.parquet", columns=columns, dtype_backend="pyarrow"
        )
        for name, columns in COLUMNS.items()
    }


def compute(inputs: dict[str, pd.DataFrame], as_of: date) -> dict[str, pd.DataFrame]:
    day = pd.Timestamp(as_of)
    documents = _documents(inputs["documents"])
    rates = _rates_at(inputs["fx_rates"], day)
    balances = _balances(documents, inputs, day)
    open_items = _open_items(balances, rates, day)
    return {
        "open_items": open_items,
        "aging": _aging(open_items),
        "dso": _dso_countback(balances, rates, as_of),
        "behaviour": _behaviour(documents, inputs, rates, as_of),
    }


def _cents(amount: pd.Series) -> pd.Series:
    return amount.mul(100).astype("Int64")


def _dates(column: pd.Series) -> pd.Series:
    return column.astype("datetime64[s]")


def _latest(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Each key's latest version: later files win, then later rows (macro latest_version)."""
    return frame.sort_values(["_file_seq", "_row_number"]).drop_duplicates(key, keep="last")


def _documents(raw: pd.DataFrame) -> pd.DataFrame:
    documents = _latest(raw, "document_id")
    cents = _cents(documents["amount"])
    return documents.assign(
        issue_date=_dates(documents["issue_date"]),
        due_date=_dates(documents["due_date"]),
        signed_cents=cents.where(documents["document_type"] != "credit_note", -cents),
    )


def _rates_at(fx: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Per currency the last ECB rate published on or before ``day`` (integer millionths of
    a unit per EUR) and its age in days; EUR itself is 1."""
    fx = fx.assign(rate_date=_dates(fx["rate_date"]))
    published = fx[(fx["rate_date"] <= day) & (fx["currency"] != REPORTING_CURRENCY)]
    last = published.sort_values("rate_date").drop_duplicates("currency", keep="last")
    last = last.assign(
        units_micro=last["units_per_eur"].mul(1_000_000).astype("Int64"),
        age_days=(day - last["rate_date"]).dt.days,
    )
    euro = pd.DataFrame(
        {
            "currency": pd.Series([REPORTING_CURRENCY], dtype=last["currency"].dtype),
            "units_micro": pd.Series([1_000_000], dtype="Int64"),
            "age_days": [0],
        }
    )
    return pd.concat([last[["currency", "units_micro", "age_days"]], euro], ignore_index=True)


def _to_reporting(cents: pd.Series, units_micro: pd.Series) -> pd.Series:
    """round(cents / units_per_eur) half away from zero, on integers (finance_fx_convert)."""
    sign = (cents > 0).astype("Int64") - (cents < 0).astype("Int64")
    return sign * ((2 * cents.abs() * 1_000_000 + units_micro) // (2 * units_micro))


def _rounded_ratio(numerator: pd.Series, denominator: pd.Series, scale: int) -> pd.Series:
    """numerator / denominator x 10^scale rounded half away from zero (finance_divide)."""
    sign = np.sign(numerator) * np.sign(denominator)
    half_up = (2 * numerator.abs() * 10**scale + denominator.abs()) // (2 * denominator.abs())
    return sign * half_up


def _balances(documents: pd.DataFrame, inputs: dict, day: pd.Timestamp) -> pd.DataFrame:
    """Documents issued by ``day`` with what was paid on them by then and what is open."""
    issued = documents[documents["issue_date"] <= day]
    payments = inputs["payment_applications"]
    payments = payments[_dates(payments["applied_date"]) <= day]
    notes = inputs["credit_note_applications"]
    notes = notes[_dates(notes["applied_date"]) <= day]
    paid = pd.concat(
        [
            _cents(payments["applied_amount"]).groupby(payments["document_id"]).sum(),
            _cents(notes["applied_amount"]).groupby(notes["document_id"]).sum(),
            -_cents(notes["applied_amount"]).groupby(notes["credit_note_id"]).sum(),
        ]
    )
    paid = paid.groupby(level=0).sum().rename("paid_cents")
    balances = issued.merge(paid, left_on="document_id", right_index=True, how="left")
    balances["paid_cents"] = balances["paid_cents"].fillna(0)
    balances["open_amount_cents"] = balances["signed_cents"] - balances["paid_cents"]
    return balances


def _open_items(balances: pd.DataFrame, rates: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    items = balances[balances["open_amount_cents"] != 0]
    due = items["due_date"].fillna(items["issue_date"] + pd.Timedelta(days=DUE_DAYS_DEFAULT))
    days_past_due = (day - due).dt.days.clip(lower=0)
    conditions = [days_past_due <= limit for limit, _ in BUCKETS]
    items = items.assign(
        days_past_due=days_past_due,
        aging_bucket=np.select(conditions, [name for _, name in BUCKETS], OVER_90),
    )
    valid = rates[rates["age_days"] <= FX_MAX_RATE_AGE_DAYS]
    items = items.merge(valid[["currency", "units_micro"]], on="currency", how="left")
    items["open_amount_reporting_cents"] = _to_reporting(
        items["open_amount_cents"], items["units_micro"]
    )
    return items[
        [
            "document_id",
            "customer_id",
            "entity",
            "document_type",
            "open_amount_cents",
            "days_past_due",
            "aging_bucket",
            "open_amount_reporting_cents",
        ]
    ].reset_index(drop=True)


def _aging(open_items: pd.DataFrame) -> pd.DataFrame:
    grouped = open_items.groupby(["customer_id", "aging_bucket"])
    return pd.DataFrame(
        {
            "open_amount_reporting_cents": grouped["open_amount_reporting_cents"].sum(min_count=1),
            "items": grouped.size(),
        }
    ).reset_index()


def _dso_countback(balances: pd.DataFrame, rates: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Count-back DSO per entity and ALL on the as-of date (METRICS.md)."""
    valid = rates[rates["age_days"] <= FX_MAX_RATE_AGE_DAYS][["currency", "units_micro"]]
    series = balances.groupby(["entity", "currency"], as_index=False).agg(
        receivables_cents=("open_amount_cents", "sum")
    )
    series = series.merge(valid, on="currency", how="left")
    series["receivables_reporting"] = _zero_or_reporting(series, "receivables_cents")
    receivables = series.groupby("entity")["receivables_reporting"].sum(min_count=1)
    receivables.loc["ALL"] = receivables.sum(min_count=1)
    months = _month_sales(balances, series, as_of)
    return _count_back(months, receivables.rename("receivables").reset_index())


def _zero_or_reporting(frame: pd.DataFrame, column: str) -> pd.Series:
    converted = _to_reporting(frame[column], frame["units_micro"])
    return converted.where(frame[column] != 0, 0)


def _month_sales(balances: pd.DataFrame, series: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Net credit sales per entity (and ALL) and count-back month, in EUR at the day's rate;
    null where a currency's non-zero sales have no rate."""
    months = pd.DataFrame(
        [(offset, days) for offset, _, _, days in countback_months(as_of)],
        columns=["month_offset", "month_days"],
    )
    issue = balances["issue_date"]
    offset = (as_of.year * 12 + as_of.month) - (issue.dt.year * 12 + issue.dt.month)
    sales = (
        balances.assign(month_offset=offset)
        .groupby(["entity", "currency", "month_offset"], as_index=False)
        .agg(sales_cents=("signed_cents", "sum"))
    )
    grid = series[["entity", "currency", "units_micro"]].merge(months, how="cross")
    grid = grid.merge(sales, on=["entity", "currency", "month_offset"], how="left")
    grid["sales_cents"] = grid["sales_cents"].fillna(0)
    grid["sales"] = _zero_or_reporting(grid, "sales_cents")
    per_entity = _sum_if_complete(grid, ["entity", "month_offset", "month_days"])
    company = _sum_if_complete(per_entity, ["month_offset", "month_days"]).assign(entity="ALL")
    return pd.concat([per_entity, company], ignore_index=True)


def _sum_if_complete(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum of ``sales`` per group, null when any part is null (unknown, not smaller)."""
    grouped = frame.groupby(keys)["sales"]
    total = grouped.sum(min_count=1).where(grouped.count() == grouped.size())
    return total.reset_index()


def _count_back(months: pd.DataFrame, receivables: pd.DataFrame) -> pd.DataFrame:
    months = months.sort_values(["entity", "month_offset"])
    months["absorbing"] = months["sales"].where(months["sales"] > 0, 0).fillna(0)
    months["unconverted"] = months["sales"].isna().astype(int)
    by_entity = months.groupby("entity")
    months["sales_through"] = by_entity["absorbing"].cumsum()
    months["days_through"] = by_entity["month_days"].cumsum()
    months["has_unconverted"] = by_entity["unconverted"].cummax()
    months = months.merge(receivables, on="entity")
    before = months["sales_through"] - months["absorbing"]
    crossing = months[
        (months["receivables"] > before) & (months["receivables"] <= months["sales_through"])
    ].copy()
    used = crossing["receivables"] - (crossing["sales_through"] - crossing["absorbing"])
    crossing["dso_countback_e4"] = (
        crossing["days_through"] - crossing["month_days"]
    ) * 10**4 + _rounded_ratio(used * crossing["month_days"], crossing["absorbing"], 4)
    crossing.loc[crossing["has_unconverted"] == 1, "dso_countback_e4"] = pd.NA
    out = receivables.merge(crossing[["entity", "dso_countback_e4"]], on="entity", how="left")
    out["dso_countback_e4"] = (
        out["dso_countback_e4"].astype("Int64").mask(out["receivables"] <= 0, 0)
    )
    return out[["entity", "dso_countback_e4"]]


def _behaviour(
    documents: pd.DataFrame, inputs: dict, rates: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """Amount-weighted average days late per customer over 12 months (RISK.md)."""
    day = pd.Timestamp(as_of)
    window_start = pd.Timestamp(add_months(as_of, -BEHAVIOUR_WINDOW_MONTHS))
    apps = inputs["payment_applications"]
    apps = apps.assign(
        applied_date=_dates(apps["applied_date"]), cents=_cents(apps["applied_amount"])
    )
    apps = apps[apps["applied_date"] <= day]
    apps = apps.assign(first_positive=apps["applied_date"].where(apps["cents"] > 0))
    netted = apps.groupby(["payment_id", "payment_source", "document_id"], dropna=False).agg(
        cents=("cents", "sum"), applied_date=("first_positive", "min")
    )
    paid = netted.reset_index().merge(documents, on="document_id").merge(rates, on="currency")
    paid = paid[
        (paid["cents"] > 0)
        & (paid["document_type"] == "invoice")
        & (paid["issue_date"] <= day)
        & (paid["applied_date"] > window_start)
    ]
    amount = _to_reporting(paid["cents"], paid["units_micro"])
    days_late = (paid["applied_date"] - paid["due_date"]).dt.days.astype("Int64")
    grouped = pd.DataFrame({"amount": amount, "weighted": amount * days_late}).groupby(
        paid["customer_id"]
    )
    summed = pd.DataFrame(
        {"amount": grouped["amount"].sum(), "weighted": grouped["weighted"].sum(min_count=1)}
    )
    summed = summed[summed["amount"] > 0]
    summed["avg_days_late_e2"] = _rounded_ratio(summed["weighted"], summed["amount"], 2)
    customers = _latest(inputs["customers"], "customer_id")[["customer_id"]]
    out = customers.merge(
        summed["avg_days_late_e2"], left_on="customer_id", right_index=True, how="left"
    )
    return out.astype({"avg_days_late_e2": "Int64"}).reset_index(drop=True)

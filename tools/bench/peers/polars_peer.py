"""The core marts in idiomatic polars: one lazy query per mart over ``scan_parquet`` inputs,
collected together so shared inputs are read once. Money is integer cents, rates integer
millionths, rounding half away from zero like the dbt macros ``finance_fx_convert`` and
``finance_divide``. Definitions: dbt_project/METRICS.md and RISK.md; inputs and outputs:
:mod:`tools.bench.peers`.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

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


def run(input_dir: Path, out_dir: Path, as_of: date) -> dict[str, int]:
    """Read the inputs, compute the marts, write them as Parquet; rows per mart."""
    queries = plan(input_dir, as_of)
    frames = pl.collect_all(list(queries.values()))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in zip(queries, frames, strict=True):
        frame.write_parquet(out_dir / f"{name}.parquet")
    return {name: frame.height for name, frame in zip(queries, frames, strict=True)}


def plan(input_dir: Path, as_of: date) -> dict[str, pl.LazyFrame]:
    def scan(name: str) -> pl.LazyFrame:
        return pl.scan_parquet(input_dir / f"{name}.parquet")

    documents = _documents(scan("documents"))
    rates = _rates_at(scan("fx_rates"), as_of)
    balances = _balances(
        documents, scan("payment_applications"), scan("credit_note_applications"), as_of
    )
    open_items = _open_items(balances, rates, as_of).cache()
    return {
        "open_items": open_items,
        "aging": _aging(open_items),
        "dso": _dso_countback(balances, rates, as_of),
        "behaviour": _behaviour(
            documents, scan("payment_applications"), scan("customers"), rates, as_of
        ),
    }


def _cents(column: str) -> pl.Expr:
    return (pl.col(column) * 100).cast(pl.Int64)


def _latest(frame: pl.LazyFrame, key: str) -> pl.LazyFrame:
    """Each key's latest version: later files win, then later rows (macro latest_version)."""
    return frame.sort("_file_seq", "_row_number").unique(key, keep="last")


def _documents(raw: pl.LazyFrame) -> pl.LazyFrame:
    return _latest(raw, "document_id").with_columns(
        signed_cents=pl.when(pl.col("document_type") == "credit_note")
        .then(-_cents("amount"))
        .otherwise(_cents("amount"))
    )


def _rates_at(fx: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Per currency the last ECB rate published on or before the as-of date (integer
    millionths of a unit per EUR) and its age in days; EUR itself is 1."""
    last = (
        fx.filter((pl.col("rate_date") <= as_of) & (pl.col("currency") != REPORTING_CURRENCY))
        .sort("rate_date")
        .group_by("currency")
        .last()
        .select(
            "currency",
            units_micro=(pl.col("units_per_eur") * 1_000_000).cast(pl.Int64),
            age_days=(pl.lit(as_of) - pl.col("rate_date")).dt.total_days(),
        )
    )
    euro = pl.LazyFrame(
        {"currency": [REPORTING_CURRENCY], "units_micro": [1_000_000], "age_days": [0]},
        schema={"currency": pl.String, "units_micro": pl.Int64, "age_days": pl.Int64},
    )
    return pl.concat([last, euro])


def _to_reporting(cents: pl.Expr, units_micro: pl.Expr) -> pl.Expr:
    """round(cents / units_per_eur) half away from zero, on integers (finance_fx_convert)."""
    return cents.sign() * ((2 * cents.abs() * 1_000_000 + units_micro) // (2 * units_micro))


def _rounded_ratio(numerator: pl.Expr, denominator: pl.Expr, scale: int) -> pl.Expr:
    """numerator / denominator x 10^scale rounded half away from zero (finance_divide)."""
    half_up = (2 * numerator.abs() * 10**scale + denominator.abs()) // (2 * denominator.abs())
    return numerator.sign() * denominator.sign() * half_up


def _balances(
    documents: pl.LazyFrame, payments: pl.LazyFrame, notes: pl.LazyFrame, as_of: date
) -> pl.LazyFrame:
    """Documents issued by the as-of date with what was paid on them by then and what is open."""
    notes = notes.filter(pl.col("applied_date") <= as_of)
    paid = (
        pl.concat(
            [
                payments.filter(pl.col("applied_date") <= as_of).select(
                    "document_id", cents=_cents("applied_amount")
                ),
                notes.select("document_id", cents=_cents("applied_amount")),
                notes.select(
                    pl.col("credit_note_id").alias("document_id"), cents=-_cents("applied_amount")
                ),
            ]
        )
        .group_by("document_id")
        .agg(paid_cents=pl.col("cents").sum())
    )
    return (
        documents.filter(pl.col("issue_date") <= as_of)
        .join(paid, on="document_id", how="left")
        .with_columns(pl.col("paid_cents").fill_null(0))
        .with_columns(open_amount_cents=pl.col("signed_cents") - pl.col("paid_cents"))
    )


def _open_items(balances: pl.LazyFrame, rates: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    due = pl.col("due_date").fill_null(pl.col("issue_date") + timedelta(days=DUE_DAYS_DEFAULT))
    days_past_due = (pl.lit(as_of) - due).dt.total_days().clip(lower_bound=0)
    bucket = pl.when(pl.col("days_past_due") <= BUCKETS[0][0]).then(pl.lit(BUCKETS[0][1]))
    for limit, name in BUCKETS[1:]:
        bucket = bucket.when(pl.col("days_past_due") <= limit).then(pl.lit(name))
    valid = rates.filter(pl.col("age_days") <= FX_MAX_RATE_AGE_DAYS).select(
        "currency", "units_micro"
    )
    return (
        balances.filter(pl.col("open_amount_cents") != 0)
        .with_columns(days_past_due=days_past_due)
        .with_columns(aging_bucket=bucket.otherwise(pl.lit(OVER_90)))
        .join(valid, on="currency", how="left")
        .select(
            "document_id",
            "customer_id",
            "entity",
            "document_type",
            "open_amount_cents",
            "days_past_due",
            "aging_bucket",
            open_amount_reporting_cents=_to_reporting(
                pl.col("open_amount_cents"), pl.col("units_micro")
            ),
        )
    )


def _aging(open_items: pl.LazyFrame) -> pl.LazyFrame:
    amount = pl.col("open_amount_reporting_cents")
    return open_items.group_by("customer_id", "aging_bucket").agg(
        open_amount_reporting_cents=pl.when(amount.count() > 0).then(amount.sum()),
        items=pl.len().cast(pl.Int64),
    )


def _zero_or_reporting(column: str) -> pl.Expr:
    return (
        pl.when(pl.col(column) == 0)
        .then(0)
        .otherwise(_to_reporting(pl.col(column), pl.col("units_micro")))
    )


def _sum_if_complete(column: str) -> pl.Expr:
    """Sum, null when any part is null (an unconvertible amount is unknown, not smaller)."""
    return pl.when(pl.col(column).null_count() == 0).then(pl.col(column).sum())


def _dso_countback(balances: pl.LazyFrame, rates: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Count-back DSO per entity and ALL on the as-of date (METRICS.md)."""
    valid = rates.filter(pl.col("age_days") <= FX_MAX_RATE_AGE_DAYS).select(
        "currency", "units_micro"
    )
    series = (
        balances.group_by("entity", "currency")
        .agg(receivables_cents=pl.col("open_amount_cents").sum())
        .join(valid, on="currency", how="left")
        .with_columns(receivables=_zero_or_reporting("receivables_cents"))
    )
    per_entity = series.group_by("entity").agg(receivables=_sum_when_any("receivables"))
    receivables = pl.concat(
        [per_entity, per_entity.select(pl.lit("ALL").alias("entity"), _sum_when_any("receivables"))]
    )
    return _count_back(_month_sales(balances, series, as_of), receivables)


def _sum_when_any(column: str) -> pl.Expr:
    """SQL's sum: nulls skipped, null when every value is null."""
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).alias(column)


def _month_sales(balances: pl.LazyFrame, series: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Net credit sales per entity (and ALL) and count-back month, in EUR at the day's rate."""
    months = pl.LazyFrame(
        [(offset, days) for offset, _, _, days in countback_months(as_of)],
        schema={"month_offset": pl.Int64, "month_days": pl.Int64},
        orient="row",
    )
    issue = pl.col("issue_date")
    offset = (as_of.year * 12 + as_of.month) - (
        issue.dt.year().cast(pl.Int64) * 12 + issue.dt.month()
    )
    sales = (
        balances.with_columns(month_offset=offset)
        .group_by("entity", "currency", "month_offset")
        .agg(sales_cents=pl.col("signed_cents").sum())
    )
    grid = (
        series.select("entity", "currency", "units_micro")
        .join(months, how="cross")
        .join(sales, on=["entity", "currency", "month_offset"], how="left")
        .with_columns(pl.col("sales_cents").fill_null(0))
        .with_columns(sales=_zero_or_reporting("sales_cents"))
    )
    per_entity = grid.group_by("entity", "month_offset", "month_days").agg(
        sales=_sum_if_complete("sales")
    )
    company = per_entity.group_by("month_offset", "month_days").agg(
        pl.lit("ALL").alias("entity"), sales=_sum_if_complete("sales")
    )
    return pl.concat([per_entity, company.select(per_entity.collect_schema().names())])


def _count_back(months: pl.LazyFrame, receivables: pl.LazyFrame) -> pl.LazyFrame:
    absorbing = pl.when(pl.col("sales") > 0).then(pl.col("sales")).otherwise(0)
    used = pl.col("receivables") - (pl.col("sales_through") - pl.col("absorbing"))
    dso = (pl.col("days_through") - pl.col("month_days")) * 10**4 + _rounded_ratio(
        used * pl.col("month_days"), pl.col("absorbing"), 4
    )
    crossing = (
        months.sort("entity", "month_offset")
        .with_columns(absorbing=absorbing, unconverted=pl.col("sales").is_null())
        .with_columns(
            sales_through=pl.col("absorbing").cum_sum().over("entity"),
            days_through=pl.col("month_days").cum_sum().over("entity"),
            has_unconverted=pl.col("unconverted").cum_max().over("entity"),
        )
        .join(receivables, on="entity")
        .filter(
            (pl.col("receivables") > pl.col("sales_through") - pl.col("absorbing"))
            & (pl.col("receivables") <= pl.col("sales_through"))
        )
        .select("entity", dso_countback_e4=pl.when(~pl.col("has_unconverted")).then(dso))
    )
    return receivables.join(crossing, on="entity", how="left").select(
        "entity",
        pl.when(pl.col("receivables") <= 0)
        .then(0)
        .otherwise(pl.col("dso_countback_e4"))
        .alias("dso_countback_e4"),
    )


def _behaviour(
    documents: pl.LazyFrame,
    payments: pl.LazyFrame,
    customers: pl.LazyFrame,
    rates: pl.LazyFrame,
    as_of: date,
) -> pl.LazyFrame:
    """Amount-weighted average days late per customer over 12 months (RISK.md)."""
    window_start = add_months(as_of, -BEHAVIOUR_WINDOW_MONTHS)
    netted = (
        payments.filter(pl.col("applied_date") <= as_of)
        .with_columns(cents=_cents("applied_amount"))
        .group_by("payment_id", "payment_source", "document_id")
        .agg(
            pl.col("cents").sum(),
            applied_date=pl.col("applied_date").filter(pl.col("cents") > 0).min(),
        )
    )
    amount = _to_reporting(pl.col("cents"), pl.col("units_micro"))
    days_late = (pl.col("applied_date") - pl.col("due_date")).dt.total_days()
    summed = (
        netted.join(documents, on="document_id")
        .join(rates, on="currency")
        .filter(
            (pl.col("cents") > 0)
            & (pl.col("document_type") == "invoice")
            & (pl.col("issue_date") <= as_of)
            & (pl.col("applied_date") > window_start)
        )
        .with_columns(amount=amount, weighted=amount * days_late)
        .group_by("customer_id")
        .agg(pl.col("amount").sum(), _sum_when_any("weighted"))
        .filter(pl.col("amount") > 0)
        .select(
            "customer_id", avg_days_late_e2=_rounded_ratio(pl.col("weighted"), pl.col("amount"), 2)
        )
    )
    return (
        _latest(customers, "customer_id")
        .select("customer_id")
        .join(summed, on="customer_id", how="left")
    )

"""Plotly figure builders: data frame in, figure out; no Streamlit, no I/O.

Texts come in as arguments (already translated), numbers are plotted as the marts hold
them; ``separators`` (decimal, group symbol) makes Plotly format them per locale.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
AGING_COLOURS = {
    "current": "#2e7d32",
    "1-30": "#9ccc65",
    "31-60": "#fbc02d",
    "61-90": "#f57c00",
    "90+": "#c62828",
}
RISK_CLASSES = ("A", "B", "C", "D", "E")
RISK_COLOURS = dict(zip(RISK_CLASSES, AGING_COLOURS.values(), strict=True))


def _layout(
    fig: go.Figure,
    title: str,
    separators: str,
    y_title: str = "",
    date_format: str | None = None,
) -> go.Figure:
    if date_format:
        fig.update_xaxes(tickformat=date_format, hoverformat=date_format)
    fig.update_layout(
        title=title,
        separators=separators,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        yaxis_title=y_title,
        hovermode="x unified",
    )
    return fig


def lines(
    df: pd.DataFrame,
    x: str,
    series: Mapping[str, str],
    title: str,
    separators: str = ".,",
    y_title: str = "",
    date_format: str | None = None,
) -> go.Figure:
    """One line per column in ``series`` (column -> legend label) over ``x``."""
    fig = go.Figure()
    for column, label in series.items():
        values = pd.to_numeric(df[column], errors="coerce").astype(float)
        fig.add_trace(go.Scatter(x=df[x], y=values, mode="lines", name=label))
    return _layout(fig, title, separators, y_title, date_format)


def aging_over_time(
    history: pd.DataFrame,
    bucket_labels: Mapping[str, str],
    title: str,
    separators: str = ".,",
    y_title: str = "",
    date_format: str | None = None,
) -> go.Figure:
    """Stacked bars: open amount per aging bucket (``aging_bucket``, ``open_amount_reporting``)
    at each ``balance_date``, buckets stacked from current (bottom) to 90+ (top)."""
    fig = go.Figure()
    dates = sorted(history["balance_date"].unique()) if not history.empty else []
    for bucket in AGING_BUCKETS:
        rows = history[history["aging_bucket"] == bucket].set_index("balance_date")
        amounts = [float(rows["open_amount_reporting"].get(d, 0) or 0) for d in dates]
        fig.add_trace(
            go.Bar(
                x=dates,
                y=amounts,
                name=bucket_labels.get(bucket, bucket),
                marker_color=AGING_COLOURS[bucket],
            )
        )
    fig.update_layout(barmode="stack")
    return _layout(fig, title, separators, y_title, date_format)


def top_debtors(
    debtors: pd.DataFrame, title: str, labels: Mapping[str, str], separators: str = ".,"
) -> go.Figure:
    """Horizontal bars per customer (``customer_name``): ``overdue`` and ``not_due`` parts
    of ``open_amount_reporting`` (``overdue_amount_reporting``), largest on top."""
    ordered = debtors.iloc[::-1]
    overdue = pd.to_numeric(ordered["overdue_amount_reporting"]).astype(float)
    total = pd.to_numeric(ordered["open_amount_reporting"]).astype(float)
    fig = go.Figure(
        [
            go.Bar(
                y=ordered["customer_name"],
                x=overdue,
                orientation="h",
                name=labels["overdue"],
                marker_color=AGING_COLOURS["90+"],
            ),
            go.Bar(
                y=ordered["customer_name"],
                x=total - overdue,
                orientation="h",
                name=labels["not_due"],
                marker_color=AGING_COLOURS["current"],
            ),
        ]
    )
    fig.update_layout(barmode="stack", hovermode="y unified")
    return _layout(fig, title, separators)


def inflows_by_week(
    inflows: pd.DataFrame,
    title: str,
    labels: Mapping[str, str],
    separators: str = ".,",
    date_format: str | None = None,
) -> go.Figure:
    """Stacked bars per ``week_start``: ``expected_amount`` and ``carried_over_amount``."""
    fig = go.Figure(
        [
            go.Bar(
                x=inflows["week_start"],
                y=inflows["expected_amount"].astype(float),
                name=labels["expected"],
                marker_color="#1565c0",
            ),
            go.Bar(
                x=inflows["week_start"],
                y=inflows["carried_over_amount"].astype(float),
                name=labels["carried_over"],
                marker_color="#f57c00",
            ),
        ]
    )
    fig.update_layout(barmode="stack")
    return _layout(fig, title, separators, date_format=date_format)


def risk_distribution(
    customers: pd.DataFrame, title: str, labels: Mapping[str, str], separators: str = ".,"
) -> go.Figure:
    """Customers per risk class (bars) and their open amount (line, second axis)."""
    grouped = (
        customers.groupby("risk_class")
        .agg(customers=("customer_id", "count"), open_amount=("open_amount_reporting", "sum"))
        .reindex(RISK_CLASSES, fill_value=0)
    )
    fig = go.Figure(
        [
            go.Bar(
                x=list(grouped.index),
                y=grouped["customers"].astype(int),
                name=labels["customers"],
                marker_color=[RISK_COLOURS[c] for c in grouped.index],
            ),
            go.Scatter(
                x=list(grouped.index),
                y=grouped["open_amount"].astype(float),
                name=labels["open_amount"],
                yaxis="y2",
                mode="lines+markers",
                line={"color": "#37474f"},
            ),
        ]
    )
    fig.update_layout(
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"}
    )
    return _layout(fig, title, separators)


def counts_and_amounts(
    frame: pd.DataFrame,
    category: str,
    amount: str,
    title: str,
    labels: Mapping[str, str],
    order: list[str] | None = None,
    separators: str = ".,",
) -> go.Figure:
    """Bars of the summed ``amount`` per ``category`` with the count in the hover."""
    grouped = frame.groupby(category).agg(
        items=(category, "size"), amount=(amount, lambda s: pd.to_numeric(s).sum())
    )
    if order is not None:
        grouped = grouped.reindex(order, fill_value=0)
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in grouped.index],
            y=grouped["amount"].astype(float),
            customdata=grouped["items"],
            hovertemplate="%{x}: %{y:,.2f} (%{customdata})<extra></extra>",
            name=labels["amount"],
            marker_color="#1565c0",
        )
    )
    return _layout(fig, title, separators)

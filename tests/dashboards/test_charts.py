"""Figure builders: the traces carry exactly the numbers of the frames they are given."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboards import charts, queries
from dashboards.inflows import expected_inflows
from dashboards.measures import top_debtors
from tests.dashboards.mini_company import AS_OF


def test_lines_one_trace_per_series_with_locale_formats(snap):
    kpis = queries.kpis_daily(snap)
    fig = charts.lines(kpis, "kpi_date", {"dso_standard": "DSO", "cei": "CEI"}, "t", ",.",
                       "Tage", "%d.%m.%y")  # fmt: skip
    assert [trace.name for trace in fig.data] == ["DSO", "CEI"]
    assert list(fig.data[0].y) == [40.0, 41.0, 42.5]
    assert list(fig.data[1].y) == [70.0, 71.0, 72.5]
    assert fig.layout.separators == ",." and fig.layout.xaxis.tickformat == "%d.%m.%y"


def test_aging_over_time_stacks_buckets_in_order(snap):
    history = queries.aging_history(snap, AS_OF, 2)
    labels = {b: b.upper() for b in charts.AGING_BUCKETS}
    fig = charts.aging_over_time(history, labels, "aging")
    assert fig.layout.barmode == "stack"
    assert [trace.name for trace in fig.data] == ["CURRENT", "1-30", "31-60", "61-90", "90+"]
    dates = list(fig.data[0].x)
    assert len(dates) == 3  # 30 Sep, 31 Oct, 20 Nov
    at_as_of = {trace.name: trace.y[-1] for trace in fig.data}
    assert at_as_of == {"CURRENT": 800.0, "1-30": 1000.0, "31-60": 500.0, "61-90": 0.0,
                        "90+": 1000.0}  # fmt: skip


def test_top_debtors_split_overdue_and_not_due(snap):
    debtors = top_debtors(queries.open_items(snap), queries.customers(snap))
    fig = charts.top_debtors(debtors, "top", {"overdue": "over", "not_due": "not"})
    overdue, not_due = fig.data
    assert list(overdue.y) == ["Gamma AG", "Beta Ltd", "Alpha GmbH"]  # largest on top
    assert list(overdue.x) == [1000.0, 1000.0, 500.0]
    assert list(not_due.x) == [0.0, 0.0, 800.0]


def test_inflows_and_counts(snap):
    inflows = expected_inflows(queries.open_items(snap), AS_OF, weeks=3)
    fig = charts.inflows_by_week(inflows, "in", {"expected": "e", "carried_over": "c"})
    assert list(fig.data[0].y) == [0.0, -200.0, 1000.0]
    assert list(fig.data[1].y) == [1500.0, 0.0, 0.0]
    assert list(fig.data[0].x) == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    frame = pd.DataFrame({"reason": ["a", "b", "a"], "amount": [1.0, 2.0, 3.5]})
    bars = charts.counts_and_amounts(frame, "reason", "amount", "r", {"amount": "EUR"},
                                     order=["b", "a", "c"])  # fmt: skip
    assert list(bars.data[0].x) == ["b", "a", "c"]
    assert list(bars.data[0].y) == [2.0, 4.5, 0.0]
    assert list(bars.data[0].customdata) == [1, 2, 0]


def test_risk_distribution_counts_every_class(snap):
    fig = charts.risk_distribution(queries.customers(snap), "risk",
                                   {"customers": "n", "open_amount": "open"})  # fmt: skip
    counts, amounts = fig.data
    assert list(counts.x) == ["A", "B", "C", "D", "E"]
    assert list(counts.y) == [1, 0, 1, 0, 1]
    assert list(amounts.y) == [1300.0, 0.0, 1000.0, 0.0, 1000.0]

"""Overview (CFO): receivables, overdue, DSO, CEI with trends, aging over time, top
debtors and expected inflows, for one entity and currency or all."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboards import charts, queries, roles, ui
from dashboards.inflows import expected_inflows
from dashboards.measures import headline, top_debtors

user, t = ui.require("overview")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)
scope = roles.scope(user)

st.title(t("overview.title"))
options = ui.load(t, queries.filter_options, snap)
entities = sorted(options["entity"].dropna().unique())
left, right, _ = st.columns([1, 1, 2])
entity = left.selectbox(
    t("filters.entity"),
    [None, *entities],
    format_func=lambda v: v or t("filters.all"),
    key="over_entity",
)
currency_options = options if entity is None else options[options["entity"] == entity]
currencies = sorted(currency_options["currency"].dropna().unique())
currency = right.selectbox(
    t("filters.currency"),
    [None, *currencies],
    format_func=lambda v: v or t("filters.all"),
    key="over_currency",
)
st.caption(t("app.as_of", date=t.date(as_of)))

items = ui.load(t, queries.open_items, snap, scope, entity, currency)
totals = ui.load(t, queries.open_item_totals, snap, scope, entity, currency)
kpis = ui.load(t, queries.kpis_daily, snap, entity or "ALL")
figures = headline(totals, kpis, as_of)
reporting = figures["reporting_currency"]

days = t("overview.days")
cei = figures["cei"]
share = figures["overdue_share"]
amounts = st.columns(3)
amounts[0].metric(t("overview.receivables"), t.money(figures["receivables"], reporting))
amounts[1].metric(t("overview.overdue"), t.money(figures["overdue"], reporting))
amounts[2].metric(t("overview.overdue_share"), t.percent(share) if share is not None else "–")
ratios = st.columns(4)
for column, key in zip(ratios, ("dso_standard", "dso_countback", "best_possible_dso")):  # noqa: B905
    value = figures[key]
    column.metric(
        t(f"overview.{key}"), f"{t.number(value, 1)} {days}" if value is not None else "–"
    )
ratios[3].metric(t("overview.cei"), t.percent(cei / 100) if cei is not None else "–")
if currency:
    st.caption(t("overview.kpis_all_currencies"))

sep = t.separators()
dates = t.d3_date_format()
trend_left, trend_right = st.columns(2)
trend_left.plotly_chart(
    charts.lines(
        kpis,
        "kpi_date",
        {"receivables_amount": t("overview.receivables"), "overdue_amount": t("overview.overdue")},
        t("overview.receivables_trend"),
        sep,
        reporting,
        dates,
    ),
    key="over_receivables_chart",
)
trend_right.plotly_chart(
    charts.lines(
        kpis,
        "kpi_date",
        {
            "dso_standard": t("overview.dso_standard"),
            "dso_countback": t("overview.dso_countback"),
            "best_possible_dso": t("overview.best_possible_dso"),
        },
        t("overview.dso_trend"),
        sep,
        days,
        dates,
    ),
    key="over_dso_chart",
)
cei_left, aging_right = st.columns(2)
cei_left.plotly_chart(
    charts.lines(
        kpis, "kpi_date", {"cei": t("overview.cei")}, t("overview.cei_trend"), sep, "%", dates
    ),
    key="over_cei_chart",
)
history = ui.try_load(queries.aging_history, snap, as_of, 12, entity, currency)
if history is not None:
    aging_right.plotly_chart(
        charts.aging_over_time(
            history,
            {b: t.label("aging", b) for b in charts.AGING_BUCKETS},
            t("overview.aging_over_time"),
            sep,
            reporting,
            dates,
        ),
        key="over_aging_chart",
    )
else:
    aging_right.info(t("overview.aging_unavailable"))

st.subheader(t("overview.top_debtors"))
customers = ui.try_load(queries.customers, snap, scope)
debtors = top_debtors(items, customers, limit=10)
if debtors.empty:
    st.info(t("overview.no_open_items"))
else:
    chart_col, table_col = st.columns([3, 2])
    chart_col.plotly_chart(
        charts.top_debtors(
            debtors, "", {"overdue": t("overview.overdue"), "not_due": t("overview.not_due")}, sep
        ),
        key="over_debtors_chart",
    )
    shown = debtors.assign(
        open_fmt=[t.money(v, reporting) for v in debtors["open_amount_reporting"]],
        overdue_fmt=[t.money(v, reporting) for v in debtors["overdue_amount_reporting"]],
    )
    with table_col:
        ui.table(
            shown,
            {
                "customer_id": t("columns.customer_id"),
                "customer_name": t("columns.customer"),
                "open_fmt": t("columns.open_amount"),
                "overdue_fmt": t("columns.overdue_amount"),
                "risk_class": t("columns.risk_class"),
            },
            key="over_debtors_table",
        )
        pick = st.selectbox(
            t("overview.drill_down"),
            debtors["customer_id"],
            format_func=debtors.set_index("customer_id")["customer_name"].to_dict().get,
            key="over_debtor_pick",
        )
        ui.customer_link(pick, t, key="over_open_customer")

st.subheader(t("overview.expected_inflows"))
inflows = expected_inflows(items, as_of, weeks=13)
st.plotly_chart(
    charts.inflows_by_week(
        inflows.assign(week_start=pd.to_datetime(inflows["week_start"])),
        "",
        {"expected": t("overview.expected"), "carried_over": t("overview.carried_over")},
        sep,
        dates,
    ),
    key="over_inflows_chart",
)
st.caption(t("overview.inflows_note", first=t.date(as_of + timedelta(days=1)), currency=reporting))

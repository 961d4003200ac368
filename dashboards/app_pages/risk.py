"""Risk and credit: customers by risk class, movers, limit breaches and insolvency flags
with the export the ERP's order block reads."""

import pandas as pd
import streamlit as st

from dashboards import charts, queries, roles, ui
from dashboards.risk import movers

user, t = ui.require("risk")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)
customers = ui.load(t, queries.customers, snap, roles.scope(user))
reporting = customers["reporting_currency"].dropna().iloc[0] if not customers.empty else "EUR"

st.title(t("risk.title"))
st.caption(t("app.as_of", date=t.date(as_of)))
left, right = st.columns([3, 2])
left.plotly_chart(
    charts.risk_distribution(
        customers,
        t("risk.distribution"),
        {"customers": t("risk.customers"), "open_amount": t("columns.open_amount")},
        t.separators(),
    ),
    key="risk_distribution_chart",
)
by_class = (
    customers.groupby("risk_class", as_index=False)
    .agg(
        customers=("customer_id", "count"),
        open_amount=("open_amount_reporting", "sum"),
        overdue=("overdue_amount_reporting", "sum"),
    )
    .round(2)
)
with right:
    ui.table(
        by_class.assign(
            open_fmt=[t.money(v, reporting) for v in by_class["open_amount"]],
            overdue_fmt=[t.money(v, reporting) for v in by_class["overdue"]],
        ),
        {
            "risk_class": t("columns.risk_class"),
            "customers": t("risk.customers"),
            "open_fmt": t("columns.open_amount"),
            "overdue_fmt": t("columns.overdue_amount"),
        },
        key="risk_by_class",
    )
    st.caption(t("risk.classes_note"))

st.subheader(t("risk.movers"))
st.caption(t("risk.movers_note"))
moving = movers(customers, as_of, limit=15)
if moving.empty:
    st.info(t("risk.no_movers"))
else:
    ui.table(
        moving.assign(
            trend_fmt=moving["avg_days_late_trend"].map(
                lambda v: "" if pd.isna(v) else f"{'+' if v > 0 else ''}{t.number(v, 1)}"
            ),
            late_fmt=moving["avg_days_late"].map(lambda v: t.number(v, 1)),
            report_fmt=moving["bureau_report_date"].map(t.date),
            pd_fmt=moving["probability_of_default"].map(lambda v: t.percent(v, 2)),
            open_fmt=[t.money(v, reporting) for v in moving["open_amount_reporting"]],
            why=moving["mover_reason"].map(lambda r: t.label("movers", r)),
        ),
        {
            "name": t("columns.customer"),
            "risk_class": t("columns.risk_class"),
            "risk_score": t("columns.risk_score"),
            "why": t("columns.reason"),
            "late_fmt": t("risk.avg_days_late"),
            "trend_fmt": t("risk.trend"),
            "pd_fmt": t("risk.pd"),
            "report_fmt": t("risk.bureau_report"),
            "open_fmt": t("columns.open_amount"),
        },
        key="risk_movers",
    )

st.subheader(t("risk.breaches"))
breaches = ui.load(t, queries.credit_limit_breaches, snap)
if roles.scope(user) is not None:
    breaches = breaches[breaches["customer_id"].isin(customers["customer_id"])]
if breaches.empty:
    st.success(t("risk.no_breaches"))
else:
    ui.table(
        breaches.assign(
            reason_fmt=breaches["reason"].map(lambda r: t.label("breaches", r)),
            open_fmt=ui.money(breaches, "open_amount_reporting", "reporting_currency", t),
            limit_fmt=ui.money(breaches, "credit_limit_reporting", "reporting_currency", t),
            excess_fmt=ui.money(breaches, "excess_amount_reporting", "reporting_currency", t),
            block_fmt=breaches["order_block"].map(lambda b: t("app.yes") if b else t("app.no")),
        ),
        {
            "customer_id": t("columns.customer_id"),
            "name": t("columns.customer"),
            "reason_fmt": t("columns.reason"),
            "open_fmt": t("columns.open_amount"),
            "limit_fmt": t("customer.credit_limit"),
            "excess_fmt": t("risk.excess"),
            "block_fmt": t("risk.order_block"),
        },
        key="risk_breaches",
    )
    st.markdown(t("risk.export_intro"))
    blocks = breaches[breaches["order_block"].astype(bool)][
        [
            "customer_id",
            "name",
            "reason",
            "open_amount_reporting",
            "credit_limit_reporting",
            "excess_amount_reporting",
            "reporting_currency",
            "is_insolvent",
            "order_block",
            "as_of_date",
        ]
    ].assign(as_of_date=lambda f: pd.to_datetime(f["as_of_date"]).dt.date)
    ui.downloads(blocks, f"order_blocks_{as_of.isoformat()}", "risk_export", t)

"""Disputes: open disputes by age, reason and amount; resolve with an outcome."""

from datetime import date

import streamlit as st

from dashboards import charts, queries, roles, ui, writeback
from dashboards.disputes import AGE_BUCKETS, with_amounts
from dashboards.events import open_disputes

user, t = ui.require("disputes")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)
scope = roles.scope(user)

st.title(t("disputes.title"))
ui.flash()
customers = ui.load(t, queries.customers, snap, scope)
items = ui.load(t, queries.open_items, snap, scope)
events = ui.live_events(snap)
disputes = with_amounts(open_disputes(events, date.today()), items, customers)
reporting = customers["reporting_currency"].dropna().iloc[0] if not customers.empty else "EUR"

cols = st.columns(3)
cols[0].metric(t("disputes.open"), len(disputes))
cols[1].metric(t("disputes.at_stake"), t.money(disputes["amount_reporting"].sum(), reporting))
cols[2].metric(
    t("disputes.median_age"),
    t("customer.days_value", days=int(disputes["age_days"].median())) if len(disputes) else "–",
)
if disputes.empty:
    st.success(t("disputes.none"))
    st.stop()

sep = t.separators()
left, right = st.columns(2)
left.plotly_chart(
    charts.counts_and_amounts(
        disputes.assign(age=disputes["age_bucket"].map(lambda b: t.label("dispute_age", b))),
        "age",
        "amount_reporting",
        t("disputes.by_age"),
        {"amount": reporting},
        order=[t.label("dispute_age", b) for b in AGE_BUCKETS],
        separators=sep,
    ),
    key="disp_age_chart",
)
right.plotly_chart(
    charts.counts_and_amounts(
        disputes,
        "reason",
        "amount_reporting",
        t("disputes.by_reason"),
        {"amount": reporting},
        separators=sep,
    ),
    key="disp_reason_chart",
)
ui.table(
    disputes.assign(
        opened=disputes["opened_at"].map(t.date),
        document=disputes["document_id"].fillna(t("customer.whole_customer")),
        stake=[t.money(v, reporting) for v in disputes["amount_reporting"]],
    ),
    {
        "customer_name": t("columns.customer"),
        "document": t("columns.document_id"),
        "opened": t("disputes.opened"),
        "age_days": t("disputes.age_days"),
        "reason": t("columns.reason"),
        "stake": t("disputes.at_stake"),
        "actor": t("columns.actor"),
    },
    key="disp_table",
)

if roles.can(user, "customer_input"):
    st.subheader(t("disputes.resolve"))
    labels = {
        i: f"{r.customer_name} · {r.document_id or t('customer.whole_customer')} · {r.reason}"
        for i, r in disputes.iterrows()
    }
    with st.form("disp_resolve_form", clear_on_submit=True):
        pick = st.selectbox(
            t("customer.dispute_to_resolve"), list(labels), format_func=labels.get, key="disp_pick"
        )
        outcome = st.selectbox(
            t("customer.outcome"),
            list(t.group("dispute_outcomes")),
            format_func=lambda o: t.label("dispute_outcomes", o),
            key="disp_outcome",
        )
        comment = st.text_input(t("customer.comment"), key="disp_comment")
        if st.form_submit_button(t("customer.resolve_dispute"), type="primary"):
            text = t.label("dispute_outcomes", outcome) + (f": {comment}" if comment else "")
            chosen = disputes.loc[pick]
            if ui.submit(
                t,
                writeback.resolve_dispute,
                ui.context(user, snap),
                chosen["customer_id"],
                text,
                chosen["document_id"],
            ):
                st.rerun()
pick_customer = st.selectbox(
    t("worklist.open_customer"),
    disputes["customer_id"].unique(),
    format_func=lambda c: (
        f"{disputes.set_index('customer_id').loc[[c], 'customer_name'].iloc[0]} ({c})"
    ),
    key="disp_customer_pick",
)
ui.customer_link(pick_customer, t, key="disp_open_customer")

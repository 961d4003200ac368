"""Open items (controller): the OPOS with filters, sorting, drill-down and export; unapplied
cash with its reasons."""

import streamlit as st

from dashboards import opos, queries, roles, ui
from dashboards.charts import AGING_BUCKETS

user, t = ui.require("open_items")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)
scope = roles.scope(user)

st.title(t("open_items.title"))
st.caption(t("app.as_of", date=t.date(as_of)))
tab_items, tab_cash = st.tabs([t("open_items.tab_items"), t("open_items.tab_unapplied")])

with tab_items:
    options = ui.load(t, queries.filter_options, snap)
    row1 = st.columns(4)
    entity = row1[0].selectbox(
        t("filters.entity"),
        [None, *sorted(options["entity"].dropna().unique())],
        format_func=lambda v: v or t("filters.all"),
        key="opos_entity",
    )
    currency = row1[1].selectbox(
        t("filters.currency"),
        [None, *sorted(options["currency"].dropna().unique())],
        format_func=lambda v: v or t("filters.all"),
        key="opos_currency",
    )
    items = ui.load(t, queries.open_items, snap, scope, entity, currency)
    buckets = row1[2].multiselect(
        t("filters.aging"),
        AGING_BUCKETS,
        format_func=lambda b: t.label("aging", b),
        key="opos_buckets",
        placeholder=t("filters.choose"),
    )
    search = row1[3].text_input(t("filters.search"), key="opos_search")
    row2 = st.columns(4)
    collectors = ()
    if scope is None:
        collectors = row2[0].multiselect(
            t("filters.collector"),
            sorted(items["collector"].dropna().unique()),
            key="opos_collectors",
            placeholder=t("filters.choose"),
        )
    flags = row2[1].multiselect(
        t("filters.flags"),
        ["in_dispute", "promised", "dunning_blocked"],
        format_func=lambda f: t.label("flags", f),
        key="opos_flags",
        placeholder=t("filters.choose"),
    )
    sort_by = row2[2].selectbox(
        t("filters.sort_by"),
        opos.SORTABLE,
        format_func=lambda c: t(f"columns.{c}"),
        key="opos_sort",
    )
    descending = row2[3].toggle(t("filters.descending"), value=True, key="opos_desc")
    chosen = opos.OposFilter(
        buckets=tuple(buckets),
        collectors=tuple(collectors),
        search=search,
        flags=tuple(flags),
        sort_by=sort_by,
        descending=descending,
    )
    filtered = opos.apply(items, chosen)

    st.markdown(t("open_items.count", count=len(filtered), total=len(items)))
    formatted = ui.load(t, ui.opos_display, snap, scope, entity, currency, t.language)
    shown = filtered.join(formatted, on="document_id")
    ui.table(
        shown,
        {
            "document_id": t("columns.document_id"),
            "customer_name": t("columns.customer"),
            "entity": t("columns.entity"),
            "issue_fmt": t("columns.issue_date"),
            "due_fmt": t("columns.due_date"),
            "amount_fmt": t("columns.amount"),
            "open_fmt": t("columns.open_amount"),
            "reporting_fmt": t("columns.open_amount_reporting"),
            "days_past_due": t("columns.days_past_due"),
            "bucket_fmt": t("columns.aging_bucket"),
            "dunning_level": t("columns.dunning_level"),
            "status_fmt": t("columns.status"),
            "collector": t("columns.collector"),
        },
        key="opos_table",
    )
    ui.downloads(opos.export_frame(filtered), f"opos_{as_of.isoformat()}", "opos_export", t)

    if not filtered.empty:
        st.subheader(t("open_items.drill_down"))
        names = filtered.drop_duplicates("customer_id").set_index("customer_id")["customer_name"]
        pick = st.selectbox(
            t("columns.customer"),
            list(names.index),
            format_func=lambda c: f"{names[c]} ({c})",
            key="opos_customer_pick",
        )
        ui.customer_link(pick, t, key="opos_open_customer")

with tab_cash:
    cash = ui.load(t, queries.unapplied_cash, snap, scope)
    st.markdown(t("open_items.unapplied_intro"))
    if cash.empty:
        st.info(t("open_items.no_unapplied"))
    else:
        by_reason = (
            cash.groupby(["reason", "currency"], as_index=False)
            .agg(payments=("payment_id", "nunique"), amount=("amount", "sum"))
            .round({"amount": 2})
        )
        ui.table(
            by_reason.assign(
                reason_fmt=by_reason["reason"].map(lambda r: t.label("unapplied", r)),
                amount_fmt=ui.money(by_reason, "amount", "currency", t),
            ),
            {
                "reason_fmt": t("columns.reason"),
                "payments": t("columns.payments"),
                "amount_fmt": t("columns.amount"),
            },
            key="opos_cash_reasons",
        )
        shown_cash = cash.assign(
            date_fmt=ui.dates(cash["payment_date"], t),
            amount_fmt=ui.money(cash, "amount", "currency", t),
            reason_fmt=cash["reason"].map(lambda r: t.label("unapplied", r)),
        )
        ui.table(
            shown_cash,
            {
                "date_fmt": t("columns.payment_date"),
                "amount_fmt": t("columns.amount"),
                "reason_fmt": t("columns.reason"),
                "payer_name": t("columns.payer"),
                "customer_name": t("columns.customer"),
                "remittance_text": t("columns.remittance"),
                "payer_iban": t("columns.payer_iban"),
                "payment_id": t("columns.payment_id"),
            },
            key="opos_cash_table",
        )
        ui.downloads(cash, f"unapplied_cash_{as_of.isoformat()}", "opos_cash_export", t)

"""Customer 360: master data, risk and limit, open items, planned actions, the timeline,
and (for roles that may) notes, calls, promises, disputes and dunning blocks."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboards import queries, roles, ui, writeback
from dashboards.events import active_blocks, active_promise, open_disputes, timeline
from dashboards.ledger_view import sent_actions

TIMELINE_ROWS = 200
TIMELINE_ICONS = {
    "invoice": ":material/receipt_long:",
    "credit_note": ":material/undo:",
    "payment": ":material/payments:",
    "dunning_sent": ":material/mail:",
    "action_sent": ":material/send:",
    "note": ":material/sticky_note_2:",
    "call": ":material/call:",
    "promise": ":material/handshake:",
    "dispute_opened": ":material/report:",
    "dispute_resolved": ":material/task_alt:",
    "payment_plan": ":material/calendar_month:",
    "dunning_block": ":material/block:",
    "dunning_unblock": ":material/lock_open:",
    "approval": ":material/check:",
    "rejection": ":material/close:",
    "task_done": ":material/done_all:",
}

user, t = ui.require("customer")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)
scope = roles.scope(user)
today = date.today()

st.title(t("customer.title"))
customers = ui.load(t, queries.customers, snap, scope)
if customers.empty:
    st.info(t("customer.none_in_scope"))
    st.stop()
names = customers.set_index("customer_id")["name"]
wanted = st.query_params.get("customer") or st.session_state.get("c360_customer")
if wanted and wanted not in names.index:
    st.warning(t("customer.not_found", customer=ui.escape_markdown(wanted)))
    wanted = None
ids = list(names.index)
customer_id = st.selectbox(
    t("customer.pick"),
    ids,
    index=ids.index(wanted) if wanted else 0,
    format_func=lambda c: f"{names[c]} ({c})",
    key="c360_pick",
)
if customer_id != st.query_params.get("customer"):
    st.query_params["customer"] = customer_id
st.session_state["c360_customer"] = customer_id
ui.flash()

row = customers.set_index("customer_id").loc[customer_id]
master = ui.try_load(queries.customer_master, snap, customer_id)
items = ui.load(t, queries.open_items, snap, scope, None, None, customer_id)
events = ui.live_events(snap, customer_id)
# CRM files carry amounts without a currency: they are in the customer's currency
events["currency"] = events["currency"].fillna(row.get("currency") or "")
disputes = open_disputes(events, today)
blocks = active_blocks(events, today)
promise = active_promise(events, today)
reporting = row.get("reporting_currency") or "EUR"

colour = "red" if row["risk_class"] in ("D", "E") else "blue"
badges = [f":{colour}-badge[{t('customer.risk_class')} {row['risk_class']}]"]
if bool(row.get("is_insolvent")):
    badges.append(f":red-badge[{t('customer.insolvent')}]")
if not disputes.empty:
    badges.append(f":orange-badge[{t('customer.in_dispute', count=len(disputes))}]")
if not blocks.empty:
    badges.append(f":violet-badge[{t('customer.blocked')}]")
if promise is not None:
    badges.append(f":green-badge[{t('customer.promise_until', date=t.date(promise['until']))}]")
# the ERP's master data is third-party text: shown literally, never as Markdown (a name or
# street holding "[Jetzt zahlen](http://...)" or an image must not render)
st.subheader(f"{ui.escape_markdown(row['name'])} · {ui.escape_markdown(customer_id)}")
st.markdown(" ".join(badges))

col_master, col_risk, col_limit = st.columns(3)
with col_master, st.container(border=True):
    st.markdown(f"**{t('customer.master_data')}**")
    info = master.iloc[0] if master is not None and not master.empty else None
    lines = [
        (t("columns.segment"), t.label("segments", row.get("segment"))),
        (t("columns.entity"), row.get("entity_id")),
        (t("columns.currency"), row.get("currency")),
        (t("columns.collector"), row.get("collector")),
        (t("customer.procedure"), row.get("dunning_procedure")),
    ]
    if info is not None:
        lines += [
            (
                t("customer.address"),
                f"{info['street']}, {info['postal_code']} {info['city']}, {info['country_code']}",
            ),
            (t("customer.email"), info["email"]),
            (t("customer.phone"), info["phone"]),
            (t("customer.vat_id"), info["vat_id"]),
            (
                t("customer.payment_terms"),
                t("customer.days_value", days=info["payment_terms_days"]),
            ),
        ]
    for label, value in lines:
        if value is not None and not pd.isna(value) and str(value):
            st.markdown(f"{label}: **{ui.escape_markdown(value)}**")

with col_risk, st.container(border=True):
    st.markdown(f"**{t('customer.risk')}**")
    st.metric(t("customer.risk_score"), f"{int(row['risk_score'])} / 100")
    factors = ui.try_load(queries.risk_factors, snap, customer_id)
    if factors is not None and not factors.empty:
        for factor in factors.head(3).itertuples():
            st.markdown(
                f"- {t.label('factors', factor.factor)} **+{factor.points}**: "
                f"{ui.escape_markdown(factor.detail)}"
            )
    else:
        for key in ("risk_factor_1", "risk_factor_2", "risk_factor_3"):
            value = row.get(key)
            if value and not pd.isna(value):
                name, _, points = str(value).partition(":")
                st.markdown(f"- {t.label('factors', name)} **{points}**")
    if not pd.isna(row.get("avg_days_late")):
        st.caption(t("customer.avg_days_late", days=t.number(row["avg_days_late"], 1)))

with col_limit, st.container(border=True):
    st.markdown(f"**{t('customer.limit')}**")
    limit = row.get("credit_limit")
    st.metric(
        t("customer.credit_limit"),
        t.money(limit, row.get("currency")) if not pd.isna(limit) else t("customer.no_limit"),
    )
    st.markdown(
        f"{t('columns.open_amount')}: **{t.money(row['open_amount_reporting'], reporting)}**"
    )
    st.markdown(
        f"{t('columns.overdue_amount')}: **{t.money(row['overdue_amount_reporting'], reporting)}**"
    )
    utilisation = row.get("utilisation")
    if utilisation is not None and not pd.isna(utilisation):
        st.progress(
            min(max(float(utilisation), 0.0), 1.0),
            text=t("customer.utilisation", value=t.percent(utilisation)),
        )
    if bool(row.get("is_over_limit")):
        st.error(t("customer.over_limit"))

st.subheader(t("customer.open_items"))
if items.empty:
    st.info(t("customer.no_open_items"))
else:
    ui.table(
        items.assign(
            due_fmt=ui.dates(items["due_date"], t),
            open_fmt=ui.money(items, "open_amount", "currency", t),
            bucket_fmt=items["aging_bucket"].map(lambda b: t.label("aging", b)),
        ),
        {
            "document_id": t("columns.document_id"),
            "due_fmt": t("columns.due_date"),
            "open_fmt": t("columns.open_amount"),
            "days_past_due": t("columns.days_past_due"),
            "bucket_fmt": t("columns.aging_bucket"),
            "dunning_level": t("columns.dunning_level"),
        },
        key="c360_items",
    )

st.subheader(t("customer.next_actions"))
proposals = ui.try_load(queries.dunning_proposals, snap, scope, customer_id)
tasks = ui.try_load(queries.worklist, snap, scope, customer_id)
planned = []
for p in (proposals if proposals is not None else pd.DataFrame()).itertuples():
    planned.append(
        {
            "what": t.label("proposal_actions", p.action)
            + (f" {p.level}" if p.action != "stop" else ""),
            "document": p.document_id,
            "channel": t.label("channels", p.channel),
            "amount": t.money(p.amount_due, p.currency),
            "why": p.reason,
            "approval": t("app.yes") if p.requires_approval else "",
        }
    )
for w in (tasks if tasks is not None else pd.DataFrame()).itertuples():
    planned.append(
        {
            "what": t.label("tasks", w.task),
            "document": w.document_id or "",
            "channel": w.collector,
            "amount": t.money(w.amount_at_stake, w.reporting_currency),
            "why": w.reason,
            "approval": "",
        }
    )
if planned:
    ui.table(
        pd.DataFrame(planned),
        {
            "what": t("columns.action"),
            "document": t("columns.document_id"),
            "channel": t("columns.channel"),
            "amount": t("columns.amount"),
            "why": t("columns.reason"),
            "approval": t("columns.requires_approval"),
        },
        key="c360_planned",
    )
else:
    st.info(t("customer.nothing_planned"))

if roles.can(user, "customer_input"):
    ctx = ui.context(user, snap)
    st.subheader(t("customer.record"))
    doc_options = [None, *items["document_id"].tolist()]
    doc_label = lambda d: d or t("customer.whole_customer")  # noqa: E731
    tabs = st.tabs(
        [
            t("customer.tab_note"),
            t("customer.tab_call"),
            t("customer.tab_promise"),
            t("customer.tab_dispute"),
            t("customer.tab_block"),
        ]
    )
    with tabs[0], st.form("c360_note_form", clear_on_submit=True):
        document = st.selectbox(
            t("columns.document_id"), doc_options, format_func=doc_label, key="c360_note_doc"
        )
        text = st.text_area(t("customer.note_text"), key="c360_note_text")
        if st.form_submit_button(t("customer.save_note"), type="primary") and ui.submit(
            t, writeback.add_note, ctx, customer_id, text, document
        ):
            st.rerun()
    with tabs[1], st.form("c360_call_form", clear_on_submit=True):
        document = st.selectbox(
            t("columns.document_id"), doc_options, format_func=doc_label, key="c360_call_doc"
        )
        text = st.text_area(t("customer.call_text"), key="c360_call_text")
        if st.form_submit_button(t("customer.save_call"), type="primary") and ui.submit(
            t, writeback.log_call, ctx, customer_id, text, document
        ):
            st.rerun()
    with tabs[2], st.form("c360_promise_form", clear_on_submit=True):
        document = st.selectbox(
            t("columns.document_id"), doc_options, format_func=doc_label, key="c360_promise_doc"
        )
        until = st.date_input(
            t("customer.promise_date"),
            value=today + timedelta(days=7),
            min_value=today,
            key="c360_promise_until",
            format="DD.MM.YYYY",
        )
        amount = st.number_input(
            t("customer.promise_amount"),
            min_value=0.0,
            step=100.0,
            format="%.2f",
            key="c360_promise_amount",
        )
        text = st.text_input(t("customer.comment"), key="c360_promise_text")
        if st.form_submit_button(t("customer.save_promise"), type="primary"):
            currency = (
                items.set_index("document_id").at[document, "currency"]
                if document
                else row.get("currency")
            )
            if ui.submit(
                t,
                writeback.record_promise,
                ctx,
                customer_id,
                until,
                amount,
                currency,
                document,
                text,
                today,
            ):
                st.rerun()
    with tabs[3]:
        with st.form("c360_dispute_form", clear_on_submit=True):
            document = st.selectbox(
                t("columns.document_id"), doc_options, format_func=doc_label, key="c360_dispute_doc"
            )
            reason = st.selectbox(
                t("customer.dispute_reason"),
                list(t.group("dispute_reasons")),
                format_func=lambda r: t.label("dispute_reasons", r),
                key="c360_dispute_reason",
            )
            comment = st.text_input(t("customer.comment"), key="c360_dispute_comment")
            if st.form_submit_button(t("customer.open_dispute"), type="primary") and ui.submit(
                t,
                writeback.open_dispute,
                ctx,
                customer_id,
                t.label("dispute_reasons", reason),
                document,
                comment,
            ):
                st.rerun()
        if not disputes.empty:
            with st.form("c360_resolve_form", clear_on_submit=True):
                pick = st.selectbox(
                    t("customer.dispute_to_resolve"),
                    list(disputes.index),
                    format_func=lambda i: (
                        f"{doc_label(disputes.at[i, 'document_id'])}: {disputes.at[i, 'text']}"
                    ),
                    key="c360_resolve_pick",
                )
                outcome = st.selectbox(
                    t("customer.outcome"),
                    list(t.group("dispute_outcomes")),
                    format_func=lambda o: t.label("dispute_outcomes", o),
                    key="c360_resolve_outcome",
                )
                if st.form_submit_button(t("customer.resolve_dispute")) and ui.submit(
                    t,
                    writeback.resolve_dispute,
                    ctx,
                    customer_id,
                    t.label("dispute_outcomes", outcome),
                    disputes.at[pick, "document_id"],
                ):
                    st.rerun()
    with tabs[4]:
        with st.form("c360_block_form", clear_on_submit=True):
            document = st.selectbox(
                t("columns.document_id"), doc_options, format_func=doc_label, key="c360_block_doc"
            )
            reason = st.text_input(t("customer.block_reason"), key="c360_block_reason")
            limited = st.checkbox(t("customer.block_limited"), key="c360_block_limited")
            until = st.date_input(
                t("customer.block_until"),
                value=today + timedelta(days=30),
                min_value=today,
                key="c360_block_until",
                format="DD.MM.YYYY",
            )
            if st.form_submit_button(t("customer.set_block"), type="primary") and ui.submit(
                t,
                writeback.set_block,
                ctx,
                customer_id,
                reason,
                until if limited else None,
                document,
            ):
                st.rerun()
        if not blocks.empty:
            with st.form("c360_unblock_form", clear_on_submit=True):
                pick = st.selectbox(
                    t("customer.block_to_lift"),
                    list(blocks.index),
                    format_func=lambda i: (
                        f"{doc_label(blocks.at[i, 'document_id'])}: {blocks.at[i, 'text'] or ''}"
                    ),
                    key="c360_unblock_pick",
                )
                reason = st.text_input(t("customer.unblock_reason"), key="c360_unblock_reason")
                if st.form_submit_button(t("customer.lift_block")) and ui.submit(
                    t,
                    writeback.lift_block,
                    ctx,
                    customer_id,
                    reason,
                    blocks.at[pick, "document_id"],
                ):
                    st.rerun()

st.subheader(t("customer.timeline"))
documents = ui.try_load(queries.customer_documents, snap, customer_id)
payments = ui.try_load(queries.customer_payments, snap, customer_id)
history = timeline(
    documents
    if documents is not None
    else pd.DataFrame(columns=["issue_date", "document_type", "document_id", "amount", "currency"]),
    payments
    if payments is not None
    else pd.DataFrame(
        columns=["applied_date", "document_id", "applied_amount", "currency", "match_method"]
    ),
    events,
    items,
    sent_actions(writeback.engine(ui.settings()), customer_id),
)
hidden_kinds = st.multiselect(
    t("customer.timeline_hide"),
    sorted(history["kind"].unique()),
    format_func=lambda k: t.label("timeline", k),
    key="c360_timeline_hidden",
    placeholder=t("filters.choose"),
)  # hiding, not choosing: a kind recorded just now is never filtered out unseen
history = history[~history["kind"].isin(hidden_kinds)]
st.caption(t("customer.timeline_count", shown=min(len(history), TIMELINE_ROWS), total=len(history)))
with st.container(height=460, border=True, key="c360_timeline"):
    for entry in history.head(TIMELINE_ROWS).itertuples(index=False):
        text = t.label("match_methods", entry.text) if entry.kind == "payment" else entry.text
        parts = [
            f"**{t.date(entry.at)}**",
            f"{TIMELINE_ICONS.get(entry.kind, '')} {t.label('timeline', entry.kind)}",
            ui.escape_markdown(entry.document_id or ""),
            t.money(entry.amount, entry.currency) if entry.currency else "",
            t("customer.until", date=t.date(entry.until)) if entry.until else "",
            ui.escape_markdown(text or ""),
            f"_{ui.escape_markdown(entry.actor)}_" if entry.actor else "",
        ]
        st.markdown(" · ".join(p for p in parts if p))

if roles.can(user, "reverse_allocation"):
    st.subheader(t("customer.reverse_title"))
    st.caption(t("customer.reverse_intro"))
    held = (
        payments[
            (payments["applied_amount"] > 0) & ~payments["is_reversal"].astype(bool)
        ].reset_index(drop=True)
        if payments is not None
        else pd.DataFrame()
    )
    if held.empty:
        st.info(t("customer.reverse_none"))
    else:
        with st.form("c360_reverse_form", clear_on_submit=True):
            pick = st.selectbox(
                t("customer.reverse_pick"),
                list(held.index),
                format_func=lambda i: (
                    f"{held.at[i, 'payment_id']} → {held.at[i, 'document_id']}: "
                    f"{t.money(held.at[i, 'applied_amount'], held.at[i, 'currency'])} "
                    f"({t.date(held.at[i, 'applied_date'])})"
                ),
                key="c360_reverse_pick",
            )
            reason = st.text_input(t("customer.reverse_reason"), key="c360_reverse_reason")
            if st.form_submit_button(t("customer.reverse_submit")) and ui.submit(
                t,
                writeback.reverse_allocation,
                ui.context(user, snap),
                customer_id,
                held.at[pick, "payment_id"],
                held.at[pick, "document_id"],
                reason,
            ):
                st.rerun()

"""Dunning approvals: proposals waiting for a credit manager, with a preview of what
would be sent; approve or reject one by one or in bulk. Below, the deliveries that failed
or may have gone out (uncertain), to resend or mark as sent."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboards import ledger_view, previews, queries, roles, ui, writeback

DECISION_DAYS = 7

user, t = ui.require("approvals")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)

st.title(t("approvals.title"))
st.caption(t("app.as_of", date=t.date(as_of)))
ui.flash()
proposals = ui.load(t, queries.dunning_proposals, snap, roles.scope(user), None, True)
decided = ui.app_events(
    types=["approval", "rejection"],
    references=proposals["dunning_proposal_id"].tolist() or [""],
)
# as the dunning engine (actions/approvals.py): a decision on a proposal counts for a week
# before the as-of date, so a step proposed again later asks again
recent = pd.to_datetime(decided["at"]) >= pd.Timestamp(as_of - timedelta(days=DECISION_DAYS))
decided = decided[recent]
waiting = proposals[~proposals["dunning_proposal_id"].isin(decided["reference"])]
waiting = waiting.reset_index(drop=True)

st.metric(t("approvals.waiting"), len(waiting))
if waiting.empty:
    st.success(t("approvals.none_waiting"))
else:
    shown = waiting.assign(
        action_fmt=[
            f"{t.label('proposal_actions', a)} {lv}"
            for a, lv in zip(waiting["action"], waiting["level"], strict=True)
        ],
        amount_fmt=ui.money(waiting, "amount_due", "currency", t),
        fees_fmt=ui.money(waiting, "fees", "currency", t),
        channel_fmt=waiting["channel"].map(lambda c: t.label("channels", c)),
    )
    ui.table(
        shown,
        {
            "dunning_proposal_id": t("columns.proposal"),
            "customer_name": t("columns.customer"),
            "document_id": t("columns.document_id"),
            "action_fmt": t("columns.action"),
            "channel_fmt": t("columns.channel"),
            "amount_fmt": t("columns.amount_due"),
            "fees_fmt": t("columns.fees"),
            "reason": t("columns.reason"),
        },
        key="appr_table",
    )
    ids = waiting["dunning_proposal_id"].tolist()
    label = dict(
        zip(
            ids,
            shown["customer_name"]
            + " · "
            + shown["document_id"].fillna("")
            + " · "
            + shown["action_fmt"],
            strict=True,
        )
    )

    st.subheader(t("approvals.preview"))
    current = st.selectbox(t("columns.proposal"), ids, format_func=label.get, key="appr_current")
    proposal = waiting.set_index("dunning_proposal_id").loc[current].to_dict()
    proposal["dunning_proposal_id"] = current
    preview = previews.preview_for(proposal)
    with st.container(border=True):
        st.caption(
            t(
                "approvals.preview_meta",
                channel=t.label("channels", preview.channel),
                language=preview.language,
            )
        )
        st.markdown(f"**{ui.escape_markdown(preview.subject)}**")
        st.text(preview.body)
    one_left, one_right = st.columns(2)
    approve_one = one_left.button(
        t("approvals.approve_one"), type="primary", key="appr_approve_one"
    )
    if approve_one and ui.submit(
        t, writeback.decide_proposals, ui.context(user, snap), [proposal], True
    ):
        st.rerun()
    reason_one = one_right.text_input(t("approvals.reject_reason"), key="appr_reason_one")
    if one_right.button(t("approvals.reject_one"), key="appr_reject_one") and ui.submit(
        t, writeback.decide_proposals, ui.context(user, snap), [proposal], False, reason_one
    ):
        st.rerun()

    st.subheader(t("approvals.bulk"))
    with st.form("appr_bulk_form"):
        chosen = st.multiselect(
            t("approvals.select"),
            ids,
            format_func=label.get,
            key="appr_bulk_pick",
            placeholder=t("filters.choose"),
        )
        reason = st.text_input(t("approvals.reject_reason"), key="appr_bulk_reason")
        approve_col, reject_col = st.columns(2)
        approve_all = approve_col.form_submit_button(
            t("approvals.approve_selected"), type="primary"
        )
        reject_all = reject_col.form_submit_button(t("approvals.reject_selected"))
    if approve_all or reject_all:
        rows = []
        for pid in chosen:
            row = waiting.set_index("dunning_proposal_id").loc[pid].to_dict()
            row["dunning_proposal_id"] = pid
            rows.append(row)
        if not rows:
            st.warning(t("approvals.select_first"))
        elif ui.submit(
            t, writeback.decide_proposals, ui.context(user, snap), rows, bool(approve_all), reason
        ):
            st.rerun()

st.subheader(t("deliveries.title"))
deliveries = ledger_view.deliveries_waiting(writeback.engine(ui.settings()))
st.metric(t("deliveries.waiting"), len(deliveries))
if deliveries.empty:
    st.success(t("deliveries.none"))
else:
    st.caption(t("deliveries.explain"))
    ui.table(
        deliveries.assign(
            state_fmt=deliveries["state"].map(lambda s: t.label("delivery_states", s)),
            channel_fmt=deliveries["channel"].map(lambda c: t.label("channels", c)),
            date_fmt=deliveries["as_of_date"].map(t.date),
            retry_fmt=deliveries["retry_at"].map(
                lambda r: t.timestamp(r) if r else t("deliveries.no_retry")
            ),
        ),
        {
            "action_id": t("columns.action_id"),
            "state_fmt": t("columns.state"),
            "date_fmt": t("columns.date"),
            "customer_id": t("columns.customer_id"),
            "channel_fmt": t("columns.channel"),
            "retry_fmt": t("deliveries.retry_at"),
            "error": t("columns.reason"),
        },
        key="deliv_table",
    )
    with st.form("deliv_form"):
        chosen = st.multiselect(
            t("deliveries.select"),
            deliveries["action_id"].tolist(),
            key="deliv_pick",
            placeholder=t("filters.choose"),
        )
        delivery_reason = st.text_input(t("deliveries.reason"), key="deliv_reason")
        resend_col, mark_col = st.columns(2)
        resend = resend_col.form_submit_button(t("deliveries.resend"))
        mark_sent = mark_col.form_submit_button(t("deliveries.mark_sent"))
    if resend or mark_sent:
        rows = deliveries[deliveries["action_id"].isin(chosen)].to_dict("records")
        if not rows:
            st.warning(t("deliveries.select_first"))
        elif ui.submit(
            t,
            writeback.resolve_deliveries,
            ui.context(user, snap),
            rows,
            bool(resend),
            delivery_reason,
        ):
            st.rerun()

if not decided.empty:
    with st.expander(t("approvals.decided")):
        ui.table(
            decided.assign(
                when=decided["at"].map(t.timestamp),
                decision=decided["type"].map(lambda d: t.label("timeline", d)),
                amount_fmt=ui.money(decided, "amount", "currency", t),
                text=decided["text"].fillna(""),
            ),
            {
                "when": t("columns.date"),
                "reference": t("columns.proposal"),
                "decision": t("columns.kind"),
                "amount_fmt": t("columns.amount"),
                "text": t("columns.text"),
                "actor": t("columns.actor"),
            },
            key="appr_decided_table",
        )

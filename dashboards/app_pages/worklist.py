"""Collector workspace: today's tasks of the logged-in collector, download, mark done."""

import pandas as pd
import streamlit as st

from dashboards import queries, roles, ui, writeback

user, t = ui.require("worklist")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)
scope = roles.scope(user)

st.title(t("worklist.title"))
ui.flash()
tasks = ui.load(t, queries.worklist, snap, scope)
if scope is None:
    collectors = sorted(tasks["collector"].dropna().unique())
    chosen = st.selectbox(
        t("filters.collector"),
        [None, *collectors],
        format_func=lambda c: c or t("filters.all"),
        key="work_collector",
    )
    if chosen:
        tasks = tasks[tasks["collector"] == chosen]
else:
    st.caption(t("worklist.for_collector", collector=scope))
st.caption(t("app.as_of", date=t.date(as_of)))

references = {
    writeback.task_reference(row): row["worklist_task_id"] for row in tasks.to_dict("records")
}
done = ui.app_events(types=["task_done"], references=list(references) or [""])
done_refs = set(done["reference"])
open_tasks = tasks[
    [writeback.task_reference(r) not in done_refs for r in tasks.to_dict("records")]
].reset_index(drop=True)

left, right = st.columns(2)
left.metric(t("worklist.open_tasks"), len(open_tasks))
right.metric(t("worklist.done_tasks"), len(done_refs))
if open_tasks.empty:
    st.success(t("worklist.all_done"))
else:
    ui.table(
        open_tasks.assign(
            task_fmt=open_tasks["task"].map(lambda k: t.label("tasks", k)),
            amount_fmt=ui.money(open_tasks, "amount_at_stake", "reporting_currency", t),
            due_fmt=ui.dates(open_tasks["due_date"], t),
            document=open_tasks["document_id"].fillna(""),
            phone=open_tasks["phone"].fillna(""),
        ),
        {
            "priority": t("columns.priority"),
            "task_fmt": t("columns.task"),
            "customer_name": t("columns.customer"),
            "phone": t("customer.phone"),
            "document": t("columns.document_id"),
            "amount_fmt": t("columns.amount_at_stake"),
            "reason": t("columns.reason"),
            "due_fmt": t("columns.due_by"),
            "collector": t("columns.collector"),
        },
        key="work_table",
    )
    export = open_tasks[
        [
            "priority",
            "task",
            "customer_id",
            "customer_name",
            "phone",
            "document_id",
            "amount_at_stake",
            "reporting_currency",
            "reason",
            "due_date",
            "max_days_past_due",
            "item_count",
            "collector",
            "worklist_task_id",
        ]
    ].assign(due_date=lambda f: pd.to_datetime(f["due_date"]).dt.date)
    name = (scope or "all").lower().replace(" ", "_")
    ui.downloads(export, f"worklist_{name}_{as_of.isoformat()}", "work_export", t)

    st.subheader(t("worklist.complete"))
    labels = {
        i: f"{r.priority} · {t.label('tasks', r.task)} · {r.customer_name}"
        for i, r in open_tasks.iterrows()
    }
    with st.form("work_done_form", clear_on_submit=True):
        pick = st.selectbox(
            t("columns.task"), list(labels), format_func=labels.get, key="work_done_task"
        )
        outcome = st.selectbox(
            t("worklist.outcome"),
            list(t.group("outcomes")),
            format_func=lambda o: t.label("outcomes", o),
            key="work_done_outcome",
        )
        comment = st.text_input(t("customer.comment"), key="work_done_comment")
        if st.form_submit_button(t("worklist.mark_done"), type="primary") and ui.submit(
            t,
            writeback.complete_task,
            ui.context(user, snap),
            open_tasks.loc[pick].to_dict(),
            outcome,
            comment,
        ):
            st.rerun()
    # one mapping, not a lookup per option (thousands of customers per collector)
    names = open_tasks.drop_duplicates("customer_id").set_index("customer_id")["customer_name"]
    pick_customer = st.selectbox(
        t("worklist.open_customer"),
        list(names.index),
        format_func=names.to_dict().get,
        key="work_customer_pick",
    )
    ui.customer_link(pick_customer, t, key="work_open_customer")

if not done.empty:
    with st.expander(t("worklist.done_list")):
        ui.table(
            done.assign(
                when=done["at"].map(t.timestamp),
                task=done["reference"].map(lambda r: references.get(r, r)),
            ),
            {
                "when": t("columns.date"),
                "task": t("columns.task"),
                "text": t("columns.text"),
                "actor": t("columns.actor"),
            },
            key="work_done_table",
        )

"""Pipeline: last run per asset, freshness of the snapshot, files loaded and quarantined."""

from datetime import datetime

import streamlit as st

from dashboards import queries, ui
from dashboards.pipeline_status import dagster_status

user, t = ui.require("pipeline")
snap = ui.snapshot(t)
as_of = ui.as_of(t, snap)

st.title(t("pipeline.title"))
published = datetime.fromtimestamp(snap.version / 1e9)
age_hours = (datetime.now() - published).total_seconds() / 3600
cols = st.columns(3)
cols[0].metric(t("pipeline.as_of"), t.date(as_of))
cols[1].metric(t("pipeline.published"), t.timestamp(published))
cols[2].metric(t("pipeline.age"), t("pipeline.hours", hours=t.number(age_hours, 1)))
if age_hours > 26:
    st.warning(t("pipeline.stale"))

status = dagster_status(ui.settings())
st.subheader(t("pipeline.runs"))
if status is None:
    st.info(t("pipeline.no_dagster"))
else:
    runs, assets = status
    if (runs["status"].isin(["STARTED", "STARTING", "QUEUED"])).any():
        st.info(t("pipeline.running"), icon=":material/sync:")
    ui.table(
        runs.assign(
            started=runs["started_at"].map(t.timestamp), ended=runs["ended_at"].map(t.timestamp)
        ),
        {
            "run_id": t("pipeline.run_id"),
            "job_name": t("pipeline.job"),
            "status": t("pipeline.status"),
            "started": t("pipeline.started"),
            "ended": t("pipeline.ended"),
        },
        key="pipe_runs",
    )
    st.subheader(t("pipeline.assets"))
    ui.table(
        assets.assign(
            when=assets["last_materialized_at"].map(t.timestamp),
            run=assets["run_id"].fillna("").str[:8],
        ),
        {
            "asset": t("pipeline.asset"),
            "group": t("pipeline.group"),
            "when": t("pipeline.last_materialized"),
            "run": t("pipeline.run_id"),
        },
        key="pipe_assets",
        height=360,
    )

files = ui.load(t, queries.ingested_files, snap)
loaded = files[files["status"] == "loaded"]
quarantined = files[files["status"] == "quarantined"]
st.subheader(t("pipeline.files"))
cols = st.columns(3)
cols[0].metric(t("pipeline.files_loaded"), len(loaded))
cols[1].metric(t("pipeline.rows_loaded"), t.number(int(loaded["rows"].sum())))
cols[2].metric(t("pipeline.files_quarantined"), len(quarantined))
if not quarantined.empty:
    st.subheader(t("pipeline.quarantine"))
    ui.table(
        quarantined.assign(when=quarantined["ingested_at"].map(t.timestamp)),
        {
            "file_name": t("pipeline.file"),
            "source": t("pipeline.source"),
            "when": t("pipeline.ingested_at"),
            "error": t("pipeline.reason"),
            "quarantine_path": t("pipeline.quarantine_path"),
        },
        key="pipe_quarantine",
    )
warned = files[files["warnings"].notna()]
if not warned.empty:
    st.subheader(t("pipeline.warnings"))
    ui.table(
        warned,
        {"file_name": t("pipeline.file"), "warnings": t("pipeline.reason")},
        key="pipe_warnings",
    )
ui.table(
    files.assign(
        when=files["ingested_at"].map(t.timestamp),
        status_fmt=files["status"].map(lambda s: t.label("file_status", s)),
    ),
    {
        "file_seq": "#",
        "source": t("pipeline.source"),
        "entity": t("pipeline.entity"),
        "file_name": t("pipeline.file"),
        "status_fmt": t("pipeline.status"),
        "rows": t("pipeline.rows"),
        "duplicate_rows": t("pipeline.duplicates"),
        "when": t("pipeline.ingested_at"),
    },
    key="pipe_files",
    height=400,
)

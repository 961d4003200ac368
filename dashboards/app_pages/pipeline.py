"""Pipeline: what was ingested, and what was quarantined and why."""

import streamlit as st

from dashboards import queries
from dashboards.snapshot import SnapshotMissing

st.title("Pipeline")
try:
    files = queries.ingested_files()
except SnapshotMissing as exc:
    st.info(str(exc))
    st.stop()

loaded = files[files["status"] == "loaded"]
quarantined = files[files["status"] == "quarantined"]
left, middle, right = st.columns(3)
left.metric("Files loaded", len(loaded))
middle.metric("Rows loaded", int(loaded["rows"].sum()))
right.metric("Files quarantined", len(quarantined))
if not quarantined.empty:
    st.subheader("Quarantined files")
    st.dataframe(quarantined[["file_name", "source", "ingested_at", "error"]], hide_index=True)
st.subheader("Ingested files")
st.dataframe(files.drop(columns=["error", "quarantine_path"]), hide_index=True)

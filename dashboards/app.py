"""Forderwerk app entry point: page config, navigation, nothing else."""

from pathlib import Path

import streamlit as st

APP_DIR = Path(__file__).resolve().parent

st.set_page_config(page_title="Forderwerk", page_icon=":material/account_balance:", layout="wide")
navigation = st.navigation(
    [
        st.Page(APP_DIR / "app_pages" / "pipeline.py", title="Pipeline", icon=":material/sync:"),
    ]
)
navigation.run()

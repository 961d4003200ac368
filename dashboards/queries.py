"""Data frames for the pages, from the published snapshot; SQL with bound parameters only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.snapshot import read_frame

TTL_SECONDS = 60


@st.cache_data(ttl=TTL_SECONDS)
def ingested_files(limit: int = 500) -> pd.DataFrame:
    return read_frame(
        """select file_seq, source, entity, file_name, status, rows, duplicate_rows,
                  ingested_at, error, quarantine_path
           from raw.ingested_files order by file_seq desc limit ?""",
        [limit],
    )

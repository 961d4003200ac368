"""The app on the bundled sample company run through the whole pipeline: every page opens
for every role that may see it, and the overview shows exactly the marts' numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import streamlit as st

from core.settings import Settings, load_settings
from dashboards import roles
from dashboards.i18n import Translator
from tests.dashboards.conftest import USERS, app_as, register_users

EN = Translator("en")


@pytest.fixture()
def sample_app(
    sample_workspace: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The sample's published snapshot in a private home (the shared one stays untouched)."""
    settings = load_settings({"FORDERWERK_HOME": str(tmp_path / "home")})
    settings.ensure_workspace()
    shutil.copyfile(sample_workspace.serving_path, settings.serving_path)
    monkeypatch.setenv("FORDERWERK_HOME", str(settings.home))
    st.cache_data.clear()
    register_users(settings)
    return settings


def _collector(settings: Settings) -> str:
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        return con.execute(
            "select collector from marts.fct_collector_worklist where collector <> 'unassigned' "
            "group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]


def test_every_page_opens_for_every_role(sample_app, monkeypatch):
    collector = _collector(sample_app)
    monkeypatch.setitem(USERS, "anna", ("collector", collector, "unused"))
    register_users(sample_app)
    for name, (role, _, _) in USERS.items():
        for page in roles.PAGES:
            if role in roles.PAGES[page]:
                at = app_as(name, page)
                assert not at.exception, (name, page, [e.value for e in at.exception])
                assert not at.warning, (name, page, [w.value for w in at.warning])


def test_overview_equals_the_marts(sample_app):
    with duckdb.connect(str(sample_app.serving_path), read_only=True) as con:
        receivables, overdue, currency = con.execute(
            "select sum(open_amount_reporting), sum(open_amount_reporting) filter "
            "(where days_past_due > 0), max(reporting_currency) from marts.fct_open_items"
        ).fetchone()
        aging = con.execute("select sum(open_amount_reporting) from marts.fct_aging").fetchone()[0]
        dso, countback, cei = con.execute(
            "select dso_standard, dso_countback, cei from marts.fct_kpis_daily "
            "where entity = 'ALL' and kpi_date = as_of_date"
        ).fetchone()
    assert aging == receivables
    metrics = {m.label: m.value for m in app_as("cfo", "overview").metric}
    assert metrics[EN("overview.receivables")] == EN.money(receivables, currency)
    assert metrics[EN("overview.overdue")] == EN.money(overdue, currency)
    assert metrics[EN("overview.dso_standard")] == f"{EN.number(dso, 1)} {EN('overview.days')}"
    assert metrics[EN("overview.dso_countback")] == (
        f"{EN.number(countback, 1)} {EN('overview.days')}"
    )
    assert metrics[EN("overview.cei")] == EN.percent(cei / 100)


def test_pipeline_status_from_the_dagster_instance(sample_workspace, tmp_path):
    from dashboards.pipeline_status import dagster_status

    runs, assets = dagster_status(sample_workspace)
    assert "daily_job" in set(runs["job_name"])
    assert {"marts/fct_open_items", "raw/erp__customers"} <= set(assets["asset"])
    assert assets["last_materialized_at"].notna().any()
    assert dagster_status(load_settings({"FORDERWERK_HOME": str(tmp_path)})) is None

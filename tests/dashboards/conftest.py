"""Fixtures for the app's tests: the mini company's snapshot, users, and AppTest helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from core import users
from core.settings import Settings, load_settings
from dashboards.snapshot import current_snapshot
from tests.dashboards.mini_company import build_snapshot

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

#: test users of the mini company: name -> (role, collector, password)
USERS = {
    "cfo": ("cfo", None, "cfo-secret-1"),
    "controller": ("controller", None, "controller-secret-1"),
    "credit": ("credit_manager", None, "credit-secret-1"),
    "admin": ("admin", None, "admin-secret-1"),
    "anna": ("collector", "Anna Becker", "anna-secret-1"),
    "jonas": ("collector", "Jonas Weber", "jonas-secret-1"),
}


@pytest.fixture(scope="session")
def mini_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini company's home with snapshot and users, built once (bcrypt is slow)."""
    home = tmp_path_factory.mktemp("mini") / "home"
    settings = load_settings({"FORDERWERK_HOME": str(home)})
    settings.ensure_workspace()
    build_snapshot(settings.serving_path)
    for name, (role, collector, password) in USERS.items():
        users.add_user(settings, name, role, collector, password)
    return home


@pytest.fixture()
def mini(mini_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A private copy of the mini company's home (each test writes its own ops store),
    set as FORDERWERK_HOME for the app."""
    home = tmp_path / "home"
    shutil.copytree(mini_template, home)
    monkeypatch.setenv("FORDERWERK_HOME", str(home))
    st.cache_data.clear()
    return load_settings({"FORDERWERK_HOME": str(home)})


@pytest.fixture()
def snap(mini: Settings):
    return current_snapshot(mini)


def register_users(settings: Settings) -> None:
    """USERS in the home's users.yaml without password hashes (bcrypt is slow): enough for
    app_as, whose sessions the app checks against users.yaml on every run."""
    listed = [
        {"name": name, "role": role, "collector": collector, "password_hash": "unused"}
        for name, (role, collector, _) in USERS.items()
    ]
    settings.users_file.write_text(yaml.safe_dump({"users": listed}), encoding="utf-8")


def app_as(name: str | None, page: str | None = None, language: str = "en") -> AppTest:
    """The app run once as user ``name`` (None: logged out), switched to ``page``."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["app_lang"] = language
    if name is not None:
        role, collector, _ = USERS[name]
        at.session_state["app_user"] = users.User(name=name, role=role, collector=collector)
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    return at

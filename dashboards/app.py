"""Forderwerk app entry point: page config, login, the shared sidebar and navigation."""

from pathlib import Path

import streamlit as st

from dashboards import roles, ui

APP_DIR = Path(__file__).resolve().parent
PAGE_ICONS = {
    "overview": ":material/monitoring:",
    "worklist": ":material/checklist:",
    "open_items": ":material/receipt_long:",
    "customer": ":material/person:",
    "risk": ":material/shield:",
    "approvals": ":material/approval:",
    "disputes": ":material/gavel:",
    "pipeline": ":material/sync:",
}

st.set_page_config(page_title="Forderwerk", page_icon=":material/account_balance:", layout="wide")
ui.language_picker()
t = ui.translator()
user = ui.current_user()

if user is None:
    # every page's address leads to the login form, so a deep link (a customer, say)
    # opens its page right after signing in
    login = APP_DIR / "app_pages" / "login.py"
    pages = [st.Page(login, title=t("login.title"), url_path="login", default=True)] + [
        st.Page(login, title=t(f"nav.{page}"), url_path=page, visibility="hidden")
        for page in roles.PAGES
    ]
else:
    pages = [
        st.Page(
            APP_DIR / "app_pages" / f"{page}.py",
            title=t(f"nav.{page}"),
            icon=PAGE_ICONS[page],
            url_path=page,
        )
        for page in roles.pages_for(user)
    ]
    with st.sidebar:
        st.caption(t("app.signed_in_as", name=user.name, role=t.label("roles", user.role)))
        if user.collector:
            st.caption(t("app.collector_scope", collector=user.collector))
        if st.button(t("app.logout"), key="app_logout", icon=":material/logout:"):
            st.session_state.pop(ui.USER_KEY, None)
            st.rerun()

if not pages:  # a role this version does not know
    st.error(t("app.not_allowed"))
    st.stop()
st.navigation(pages).run()

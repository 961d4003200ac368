"""Login: user name and password, checked against FORDERWERK_HOME/users.yaml."""

import streamlit as st

from core import users
from dashboards import ui

t = ui.translator()
st.title(t("login.title"))
st.caption(t("login.intro"))
ended = st.session_state.get(ui.ENDED_KEY)
if ended:
    st.info(t(f"login.session_{ended}"))
with st.form("login_form", clear_on_submit=True):
    name = st.text_input(t("login.name"), key="login_name")
    password = st.text_input(t("login.password"), type="password", key="login_password")
    submitted = st.form_submit_button(t("login.submit"), type="primary")

if submitted:
    try:
        user = users.verify(ui.settings(), name, password, address=ui.client_address())
    except users.LoginThrottled as exc:
        st.error(t("login.throttled", seconds=max(1, round(exc.retry_after))))
    else:
        if user is None:
            st.error(t("login.failed"))
        else:
            ui.sign_in(user)
            st.rerun()
if not ui.settings().users_file.exists():
    st.info(t("login.no_users"))

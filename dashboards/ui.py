"""The pages' shared Streamlit pieces: who is logged in, the language, friendly errors,
formatted tables, downloads and the write buttons' feedback.

Session-state keys of the app shell start with ``app_``; each page uses its own prefix.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

from actions import ops_store
from core import users
from core.settings import Settings, load_settings
from core.users import User
from dashboards import opos, queries, roles, writeback
from dashboards.events import events_frame, merge_events
from dashboards.exports import CSV_MIME, XLSX_MIME, to_csv_bytes, to_xlsx_bytes
from dashboards.i18n import DEFAULT_LANGUAGE, Translator, available_languages
from dashboards.snapshot import MartMissing, Snapshot, SnapshotMissing, SnapshotUnavailable
from dashboards.snapshot import current_snapshot as _current_snapshot

LANG_KEY = "app_lang"
USER_KEY = "app_user"
#: monotonic time of the signed-in session's last click
SEEN_KEY = "app_last_seen"
#: why the last session ended by itself ("idle" or "revoked"), for the login page
ENDED_KEY = "app_session_ended"


def settings() -> Settings:
    return load_settings()


def translator() -> Translator:
    language = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    if language not in available_languages():
        language = DEFAULT_LANGUAGE
    return Translator(language)


def language_picker() -> None:
    languages = available_languages()
    st.session_state.setdefault(LANG_KEY, DEFAULT_LANGUAGE)
    st.sidebar.selectbox(
        "Sprache / Language",
        options=list(languages),
        format_func=languages.get,
        key=LANG_KEY,
    )


def current_user() -> User | None:
    """The signed-in user, checked on every click: a session idle for longer than
    ``session_idle_minutes`` ends, and so does one whose user was deleted, given another
    role or collector scope, or is a demo user outside demo mode (users.still_valid)."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        return None
    now = time.monotonic()
    current = settings()
    idle = now - st.session_state.get(SEEN_KEY, now)
    if idle > current.session_idle_minutes * 60:
        return _end_session("idle")
    if not users.still_valid(current, user):
        return _end_session("revoked")
    st.session_state[SEEN_KEY] = now
    return user


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[SEEN_KEY] = time.monotonic()
    st.session_state.pop(ENDED_KEY, None)


def _end_session(why: str) -> None:
    for key in (USER_KEY, SEEN_KEY):
        st.session_state.pop(key, None)
    st.session_state[ENDED_KEY] = why
    return None


def client_address() -> str | None:
    """The browser's address as Streamlit sees it (None in tests and behind some proxies)."""
    try:
        return st.context.ip_address
    except AttributeError:  # an older Streamlit
        return None


def require(page: str) -> tuple[User, Translator]:
    """The logged-in user allowed on ``page``, or the page stops here."""
    t = translator()
    user = current_user()
    if not roles.can_see(user, page):
        st.error(t("app.not_allowed"))
        st.stop()
    return user, t


def snapshot(t: Translator) -> Snapshot:
    try:
        return _current_snapshot(settings())
    except SnapshotMissing:
        st.info(t("app.no_snapshot"), icon=":material/hourglass_empty:")
        st.stop()


def stop_unavailable(t: Translator, exc: Exception) -> NoReturn:
    if isinstance(exc, SnapshotMissing):
        st.info(t("app.no_snapshot"), icon=":material/hourglass_empty:")
    elif isinstance(exc, MartMissing):
        st.warning(t("app.mart_missing", detail=str(exc)), icon=":material/construction:")
    else:
        st.warning(t("app.snapshot_busy"), icon=":material/sync:")
    st.stop()


def load(t: Translator, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a query function; a missing or busy snapshot stops the page with a message."""
    try:
        return query(*args, **kwargs)
    except SnapshotUnavailable as exc:
        stop_unavailable(t, exc)


def try_load(query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any | None:
    """Like :func:`load` for optional parts of a page: None when the data is unavailable."""
    try:
        return query(*args, **kwargs)
    except SnapshotUnavailable:
        return None


def context(user: User, snap: Snapshot) -> writeback.Context:
    return writeback.Context(settings=settings(), snapshot=snap, user=user)


def app_events(
    customer_ids: list[str] | None = None,
    types: list[str] | None = None,
    references: list[str] | None = None,
) -> pd.DataFrame:
    """Events entered in the app, straight from the ops store (never cached)."""
    rows = ops_store.events_where(
        writeback.engine(settings()),
        customer_ids=customer_ids,
        types=types,
        references=references,
    )
    return events_frame(rows, origin="app")


def live_events(snap: Snapshot, customer_id: str | None = None) -> pd.DataFrame:
    """CRM events from the snapshot and the app's events from the ops store, merged."""
    crm = try_load(queries.crm_events, snap, customer_id)
    app = app_events(customer_ids=[customer_id] if customer_id else None)
    return merge_events(crm if crm is not None else pd.DataFrame(), app)


def as_of(t: Translator, snap: Snapshot) -> date:
    value = load(t, queries.as_of_date, snap)
    return value or date.today()


def money(df: pd.DataFrame, amount: str, currency: str, t: Translator) -> pd.Series:
    if df.empty:
        return pd.Series([], dtype=object)
    return pd.Series(
        [t.money(a, c) for a, c in zip(df[amount], df[currency], strict=True)], index=df.index
    )


def dates(series: pd.Series, t: Translator) -> pd.Series:
    return series.map(t.date)


@st.cache_data(ttl=queries.TTL_SECONDS, show_spinner=False, max_entries=16)
def opos_display(
    snap: Snapshot,
    collector: str | None,
    entity: str | None,
    currency: str | None,
    language: str,
) -> pd.DataFrame:
    """The OPOS's formatted columns, indexed by document_id, once per snapshot, scope and
    language: formatting 80 000 amounts and dates per rerun took 6 s at a million
    invoices; filters and sorting then only pick rows (``join`` on document_id)."""
    items = queries.open_items(snap, collector, entity, currency)
    t = Translator(language)
    return pd.DataFrame(
        {
            "issue_fmt": dates(items["issue_date"], t).to_numpy(),
            "due_fmt": dates(items["due_date"], t).to_numpy(),
            "amount_fmt": money(items, "amount", "currency", t).to_numpy(),
            "open_fmt": money(items, "open_amount", "currency", t).to_numpy(),
            "reporting_fmt": money(
                items, "open_amount_reporting", "reporting_currency", t
            ).to_numpy(),
            "bucket_fmt": items["aging_bucket"].map(lambda b: t.label("aging", b)).to_numpy(),
            "status_fmt": [
                ", ".join(t.label("flags", f) for f in row) for row in opos.flags_of(items)
            ],
        },
        index=pd.Index(items["document_id"], name="document_id"),
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def escape_markdown(text: object) -> str:
    """User text shown literally in Markdown: no links, images, emphasis or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def table(df: pd.DataFrame, columns: Mapping[str, str], key: str, height: int | None = None):
    """Show ``columns`` (data column -> header) of an already formatted frame."""
    shown = df[list(columns)].rename(columns=dict(columns))
    kwargs = {"height": height} if height else {}
    st.dataframe(shown, hide_index=True, width="stretch", key=key, **kwargs)


def downloads(df: pd.DataFrame, base_name: str, key: str, t: Translator) -> None:
    """CSV and XLSX buttons for exactly ``df`` (the rows and columns as filtered)."""
    left, right = st.columns(2)
    left.download_button(
        t("app.download_xlsx"),
        # deferred: built when clicked, not on every rerun (an 83 000-row XLSX takes 20 s)
        data=lambda: to_xlsx_bytes(df, sheet=base_name),
        file_name=f"{base_name}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        icon=":material/table_view:",
        on_click="ignore",
    )
    right.download_button(
        t("app.download_csv"),
        data=lambda: to_csv_bytes(df),
        file_name=f"{base_name}.csv",
        mime=CSV_MIME,
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )


def submit(t: Translator, write: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """Run one write; show success, or why it was refused. True when it was saved."""
    try:
        write(*args, **kwargs)
    except writeback.NotAllowed:
        st.error(t("input.not_allowed"))
        return False
    except writeback.InputError as exc:
        st.error(t(exc.key))
        return False
    except SnapshotUnavailable as exc:
        stop_unavailable(t, exc)
    st.session_state["app_saved"] = t("input.saved")
    return True


def flash() -> None:
    """Show the confirmation of the last write once (it survives the rerun after a save)."""
    message = st.session_state.pop("app_saved", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def customer_link(customer_id: str, t: Translator, key: str) -> None:
    """A button that opens the customer page on this customer."""
    if st.button(t("app.open_customer"), key=key, icon=":material/person_search:"):
        open_customer(customer_id)


def open_customer(customer_id: str) -> NoReturn:
    st.session_state["c360_customer"] = customer_id
    st.switch_page("app_pages/customer.py", query_params={"customer": customer_id})

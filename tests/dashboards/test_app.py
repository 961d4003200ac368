"""The app through Streamlit's AppTest: login, what every role sees and may do, write-back
showing at once, and friendly messages without data. Runs on the mini company."""

from __future__ import annotations

import time

import duckdb
import pytest
import yaml

from actions import ops_store
from core import users
from dashboards import roles, writeback
from dashboards.i18n import Translator
from tests.dashboards.conftest import USERS, app_as

EN = Translator("en")
ALL_PAGES = list(roles.PAGES)


def _texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error",
                                  "title", "subheader") for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def _events(settings):
    return ops_store.all_events(writeback.engine(settings))


def _frame(at, column: str):
    """The first table on the page with a column headed ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _login(at, name: str, password: str):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    return at.run()


def test_login_with_the_right_password_only(mini):
    at = app_as(None)
    assert at.title[0].value == EN("login.title")
    _login(at, "anna", "wrong-password")
    assert at.error[0].value == EN("login.failed")
    assert "app_user" not in at.session_state
    _login(at, "anna", "anna-secret-1")  # still throttled: refused without checking
    assert at.error[0].value.startswith("Too many failed attempts")
    assert "app_user" not in at.session_state


def test_login_opens_the_roles_first_page(mini):
    at = _login(app_as(None), "controller", "controller-secret-1")
    assert at.session_state["app_user"].role == "controller"
    assert at.title[0].value == EN("overview.title")
    assert not at.exception


@pytest.mark.parametrize("name", list(USERS))
def test_each_role_sees_exactly_its_pages(mini, name):
    role = USERS[name][0]
    for page in ALL_PAGES:
        at = app_as(name)
        if role in roles.PAGES[page]:
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, (name, page, at.exception)
            assert EN("app.not_allowed") not in _texts(at)
        else:
            with pytest.raises(ValueError):
                at.switch_page(f"app_pages/{page}.py")


def test_an_unknown_role_sees_no_page(mini):
    # a users.yaml from another version, with a role this one does not know
    listed = yaml.safe_load(mini.users_file.read_text(encoding="utf-8"))
    listed["users"].append({"name": "x", "role": "intern", "collector": None})
    mini.users_file.write_text(yaml.safe_dump(listed), encoding="utf-8")
    at = app_as(None)
    at.session_state["app_user"] = writeback.User("x", "intern")
    at.run()
    assert not at.exception
    assert at.error[0].value == EN("app.not_allowed")


def test_overview_numbers_equal_the_marts(mini):
    at = app_as("cfo", "overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[EN("overview.receivables")] == EN.money(3300, "EUR") == "€3,300.00"
    assert metrics[EN("overview.overdue")] == "€2,500.00"
    assert metrics[EN("overview.overdue_share")] == "75.8%"
    assert metrics[EN("overview.dso_standard")] == "42.5 days"
    assert metrics[EN("overview.dso_countback")] == "43.2 days"
    assert metrics[EN("overview.cei")] == "72.5%"
    at.selectbox(key="over_currency").set_value("EUR").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[EN("overview.receivables")] == "€1,300.00"
    at.selectbox(key="over_entity").set_value("FW02").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[EN("overview.dso_standard")] == "60.0 days"


def test_overview_in_german(mini):
    at = app_as("cfo", "overview", language="de")
    assert at.title[0].value == "Forderungsübersicht"
    assert {m.label: m.value for m in at.metric}["Forderungen"] == "3.300,00\xa0€"


def test_collector_sees_only_own_customers(mini):
    at = app_as("anna", "open_items")
    documents = set(_frame(at, EN("columns.days_past_due"))[EN("columns.document_id")])
    assert documents == {"D1", "D2", "D4", "D5"}
    at = app_as("anna", "customer")
    assert at.selectbox(key="c360_pick").options == ["Alpha GmbH (C1)", "Gamma AG (C3)"]
    at = app_as("anna")
    at.session_state["c360_customer"] = "C2"
    at.switch_page("app_pages/customer.py").run()
    assert EN("customer.not_found", customer="C2") in _texts(at)
    assert "Beta Ltd" not in _texts(at)


@pytest.mark.parametrize("name", ["cfo", "controller"])
def test_read_only_roles_get_no_write_buttons(mini, name):
    for page in ("customer", "disputes"):
        at = app_as(name, page)
        labels = {b.label for b in at.button}
        assert EN("customer.save_note") not in labels
        assert EN("customer.resolve_dispute") not in labels
        assert not at.text_area


def test_collector_note_shows_in_the_timeline_at_once(mini):
    at = app_as("anna", "customer")
    at.selectbox(key="c360_pick").set_value("C1").run()
    at.text_area(key="c360_note_text").input("Rückruf Freitag 10 Uhr")
    next(b for b in at.button if b.label == EN("customer.save_note")).click().run()
    assert not at.exception
    entries = [m.value for m in at.markdown if "Rückruf" in m.value]
    assert entries and "_anna_" in entries[0] and "Note" in entries[0]
    assert [(e["type"], e["actor"]) for e in _events(mini)] == [("note", "anna")]


def test_promise_and_block_show_as_badges(mini):
    at = app_as("credit", "customer")
    at.selectbox(key="c360_pick").set_value("C1").run()
    at.number_input(key="c360_promise_amount").set_value(400.0)
    next(b for b in at.button if b.label == EN("customer.save_promise")).click().run()
    at.text_input(key="c360_block_reason").input("Klärung mit Einkauf")
    next(b for b in at.button if b.label == EN("customer.set_block")).click().run()
    text = _texts(at)
    assert EN("customer.blocked") in text and "Promise to pay until" in text
    assert [e["type"] for e in _events(mini)] == ["promise", "dunning_block"]


def test_credit_manager_approves_one_proposal(mini):
    at = app_as("credit", "approvals")
    assert {m.label: m.value for m in at.metric}[EN("approvals.waiting")] == "2"
    first = at.selectbox(key="appr_current").value
    next(b for b in at.button if b.label == EN("approvals.approve_one")).click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}[EN("approvals.waiting")] == "1"
    assert [(e["type"], e["reference"], e["actor"]) for e in _events(mini)] == [
        ("approval", first, "credit")
    ]


def test_bulk_rejection_needs_a_reason(mini):
    at = app_as("admin", "approvals")
    at.multiselect(key="appr_bulk_pick").set_value(["D3:strict_high_risk:5", "D2:standard_b2b:2"])
    next(b for b in at.button if b.label == EN("approvals.reject_selected")).click().run()
    assert EN("input.error_text_required") in _texts(at)
    at.text_input(key="appr_bulk_reason").input("Ratenzahlung vereinbart")
    next(b for b in at.button if b.label == EN("approvals.reject_selected")).click().run()
    assert [e["type"] for e in _events(mini)] == ["rejection", "rejection"]
    assert EN("approvals.none_waiting") in _texts(at)


def _waiting_delivery(settings, action_id: str, state: str, customer_id: str) -> None:
    from actions import ledger
    from actions.ops_store import dunning_actions

    now = ledger.utcnow()
    with writeback.engine(settings).begin() as con:
        con.execute(
            dunning_actions.insert().values(
                action_id=action_id, idempotency_key=action_id, key_text=action_id,
                kind="notice", as_of_date=now.date(), customer_id=customer_id,
                channel="email", level=1, action="dunning_notice", language="de",
                currency="EUR", state=state, requires_approval=False, attempts=1,
                created_at=now, updated_at=now, last_error=f"{state} in the test",
            )
        )  # fmt: skip


def test_credit_manager_resolves_uncertain_and_failed_deliveries(mini):
    from actions import ledger

    _waiting_delivery(mini, "DA-UNCERTAIN01", "uncertain", "C1")
    _waiting_delivery(mini, "DA-FAILED00001", "failed", "C2")
    at = app_as("credit", "approvals")
    assert {m.label: m.value for m in at.metric}[EN("deliveries.waiting")] == "2"
    table = _frame(at, EN("deliveries.retry_at"))
    assert list(table[EN("columns.state")]) == ["Uncertain", "Failed"]
    # marking as sent needs what shows it went out
    at.multiselect(key="deliv_pick").set_value(["DA-UNCERTAIN01"])
    next(b for b in at.button if b.label == EN("deliveries.mark_sent")).click().run()
    assert EN("input.error_text_required") in _texts(at)
    at.text_input(key="deliv_reason").input("SendGrid activity feed: delivered")
    next(b for b in at.button if b.label == EN("deliveries.mark_sent")).click().run()
    assert not at.exception
    at.multiselect(key="deliv_pick").set_value(["DA-FAILED00001"])
    next(b for b in at.button if b.label == EN("deliveries.resend")).click().run()
    assert EN("deliveries.none") in _texts(at)
    states = {a["action_id"]: a["state"] for a in ledger.actions(writeback.engine(mini))}
    assert states == {"DA-UNCERTAIN01": "sent", "DA-FAILED00001": "approved"}
    log = ledger.action_log(writeback.engine(mini), "DA-UNCERTAIN01")
    assert log[-1]["actor"] == "credit" and "activity feed" in log[-1]["detail"]


def test_collector_marks_a_task_done(mini):
    at = app_as("anna", "worklist")
    assert {m.label: m.value for m in at.metric}[EN("worklist.open_tasks")] == "2"
    assert {d.label for d in at.get("download_button")} == {
        EN("app.download_xlsx"), EN("app.download_csv"),
    }  # fmt: skip
    next(b for b in at.button if b.label == EN("worklist.mark_done")).click().run()
    assert {m.label: m.value for m in at.metric}[EN("worklist.open_tasks")] == "1"
    assert _events(mini)[0]["reference"] == "call_overdue:C1@2026-11-20"


def test_disputes_resolve_with_an_outcome(mini):
    at = app_as("credit", "disputes")
    assert {m.label: m.value for m in at.metric}[EN("disputes.open")] == "1"
    next(b for b in at.button if b.label == EN("customer.resolve_dispute")).click().run()
    assert EN("disputes.none") in _texts(at)
    assert [(e["type"], e["document_id"]) for e in _events(mini)] == [("dispute_resolved", "D4")]
    at = app_as("jonas", "disputes")  # not Jonas's customer
    assert EN("disputes.none") in _texts(at)


def test_risk_and_pipeline_pages(mini):
    at = app_as("controller", "risk")
    breaches = _frame(at, EN("risk.order_block"))
    assert list(breaches[EN("columns.customer_id")]) == ["C2", "C2"]
    assert list(_frame(at, EN("risk.trend"))[EN("columns.customer")]) == ["Beta Ltd"]
    at = app_as("controller", "pipeline")
    quarantined = _frame(at, EN("pipeline.quarantine_path"))
    assert list(quarantined[EN("pipeline.reason")]) == ["broken.xml line 3: not well-formed XML"]


def test_no_snapshot_is_a_friendly_message(mini):
    mini.serving_path.unlink()
    for page in ("overview", "open_items", "customer", "worklist", "pipeline"):
        at = app_as("admin", page)
        assert not at.exception
        assert at.info[0].value == EN("app.no_snapshot")


def test_a_missing_mart_is_a_friendly_message(mini):
    with duckdb.connect(str(mini.serving_path)) as con:
        con.execute("drop table marts.fct_collector_worklist")
    at = app_as("admin", "worklist")
    assert not at.exception
    assert at.warning[0].value.startswith(EN("app.mart_missing", detail="")[:40])


def test_controller_reverses_an_allocation_on_the_customer_page(mini):
    at = app_as("controller", "customer")
    at.selectbox(key="c360_pick").set_value("C1").run()
    assert at.selectbox(key="c360_reverse_pick").options  # P-D2 on D2
    at.text_input(key="c360_reverse_reason").input("Zahlung gehört zu D1")
    next(b for b in at.button if b.label == EN("customer.reverse_submit")).click().run()
    assert not at.exception
    [reversal] = ops_store.all_reversals(writeback.engine(mini))
    assert (reversal["actor"], reversal["payment_id"], reversal["document_id"]) == (
        "controller", "P-D2", "D2",
    )  # fmt: skip


def test_master_data_from_the_erp_shows_as_text_never_as_markdown(mini):
    """A customer name or street holding a Markdown link or image (third-party text from
    the ERP) is shown literally: no link to click, no remote image to load."""
    link, image = "[Jetzt zahlen](http://evil.example/pay)", "![x](http://evil.example/t.png)"
    with duckdb.connect(str(mini.serving_path)) as con:
        con.execute(
            "update marts.dim_customers set street = ?, name = ? where customer_id = 'C1'",
            [link, f"Alpha {image}"],
        )
    at = app_as("credit", "customer")
    at.selectbox(key="c360_pick").set_value("C1").run()
    assert not at.exception
    text = _texts(at)
    assert "](http" not in text
    assert r"Address: **\[Jetzt zahlen\]\(http\://evil\.example/pay\), 10115 Berlin" in text


def test_an_idle_session_ends_and_says_so(mini):
    at = app_as("anna", "customer")
    at.session_state["app_last_seen"] = time.monotonic() - 31 * 60  # 30 minutes is the limit
    at.run()
    assert "app_user" not in at.session_state
    assert EN("login.session_idle") in _texts(at)


def test_a_deleted_or_re_roled_user_is_out_at_the_next_click(mini):
    at = app_as("anna", "customer")
    assert "app_user" in at.session_state
    users.add_user(mini, "anna", "controller", None, "anna-secret-1")  # another role now
    at.run()
    assert "app_user" not in at.session_state
    assert EN("login.session_revoked") in _texts(at)

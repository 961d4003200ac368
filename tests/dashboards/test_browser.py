"""End to end in a real Chromium: the app served on a loopback port over the sample
company. A collector downloads the worklist and records a promise; a controller then sees
it on the customer page (reached by a deep link through the login). A screenshot of every
page is kept in tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from core import users
from core.settings import Settings, load_settings
from dashboards.i18n import Translator
from tests.dashboards.conftest import APP, ARTIFACTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
DE = Translator("de")
TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_app(home: Path) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run dashboards/app.py` on a free loopback port; wait until healthy."""
    port = _free_port()
    with (home / "streamlit.log").open("wb") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            # the journey signs in as demo users: demo mode, as `make demo` serves
            env={**os.environ, "FORDERWERK_HOME": str(home), "FORDERWERK_DEMO_USERS": "1"},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the app did not start: {(home / 'streamlit.log').read_text()[-2000:]}")


def prepare_home(snapshot: Path, home: Path) -> Settings:
    """A fresh workspace serving ``snapshot``, with the demo users."""
    settings = load_settings({"FORDERWERK_HOME": str(home)})
    settings.ensure_workspace()
    shutil.copyfile(snapshot, settings.serving_path)
    users.create_demo_users(settings)
    return settings


def pick_collector(settings: Settings) -> tuple[str, set[str]]:
    """The collector with the most worklist tasks, and the customers of those tasks."""
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        collector = con.execute(
            "select collector from marts.fct_collector_worklist where collector <> 'unassigned' "
            "group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
        customers = {
            row[0]
            for row in con.execute(
                "select customer_id from marts.fct_collector_worklist where collector = ?",
                [collector],
            ).fetchall()
        }
    return collector, customers


def run_journey(settings: Settings, base: str, artifacts: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    artifacts.mkdir(parents=True, exist_ok=True)
    collector, task_customers = pick_collector(settings)
    collector_login = users.collector_user_name(collector)

    def login(page, name: str) -> None:
        page.get_by_label(DE("login.name")).fill(name)
        page.get_by_label(DE("login.password")).fill(users.demo_password(name))
        page.get_by_role("button", name=DE("login.submit")).click()
        expect(page.get_by_role("button", name=DE("app.logout"))).to_be_visible()

    def visit(page, nav: str, prefix: str) -> None:
        page.locator('[data-testid="stSidebarNav"] a', has_text=DE(f"nav.{nav}")).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # charts finish drawing
        page.screenshot(path=str(artifacts / f"{prefix}_{nav}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 2800}, locale="de-DE"
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        try:
            # the collector: worklist first, download it, then a promise for a task's customer
            page.goto(base)
            expect(page.get_by_role("heading", name=DE("login.title"))).to_be_visible()
            page.screenshot(path=str(artifacts / "login.png"))
            login(page, collector_login)
            expect(page.get_by_role("heading", name=DE("worklist.title"))).to_be_visible()
            with page.expect_download() as download:
                page.get_by_role("button", name=DE("app.download_csv")).click()
            rows = list(csv.DictReader(io.StringIO(
                Path(download.value.path()).read_bytes().decode("utf-8-sig"), newline=""
            )))  # fmt: skip
            assert rows and {r["collector"] for r in rows} == {collector}
            assert {r["customer_id"] for r in rows} <= task_customers
            with page.expect_download() as download:
                page.get_by_role("button", name=DE("app.download_xlsx")).click()
            assert Path(download.value.path()).read_bytes()[:2] == b"PK"
            for nav in ("worklist", "open_items", "disputes"):
                visit(page, nav, "collector")

            visit(page, "worklist", "collector")
            page.get_by_role("button", name=DE("app.open_customer")).click()
            expect(page.get_by_role("heading", name=DE("customer.title"))).to_be_visible()
            page.wait_for_url("**/customer?customer=*")
            customer_id = page.url.rsplit("customer=", 1)[1]
            assert customer_id in task_customers
            page.get_by_role("tab", name=DE("customer.tab_promise")).click()
            page.get_by_label(DE("customer.promise_amount")).fill("1234.56")
            page.get_by_label(DE("customer.comment")).first.fill("Zusage per Telefon")
            page.get_by_role("button", name=DE("customer.save_promise")).click()
            expect(page.get_by_text(DE("input.saved"))).to_be_visible()
            expect(page.get_by_text("1.234,56").first).to_be_visible()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(artifacts / "collector_customer.png"), full_page=True)
            page.get_by_role("button", name=DE("app.logout")).click()

            # the controller, by a deep link: the promise is on the customer page, read only
            page.goto(f"{base}/customer?customer={customer_id}")
            expect(page.get_by_role("heading", name=DE("login.title"))).to_be_visible()
            login(page, "controller")
            expect(page.get_by_role("heading", name=DE("customer.title"))).to_be_visible()
            expect(page.get_by_text(f"· {customer_id}")).to_be_visible()
            timeline = page.locator(".st-key-c360_timeline")
            expect(timeline).to_contain_text("1.234,56")
            expect(timeline).to_contain_text(collector_login)
            expect(
                page.get_by_text(DE("customer.promise_until", date="")[:10]).first
            ).to_be_visible()
            assert page.get_by_role("button", name=DE("customer.save_promise")).count() == 0
            page.wait_for_timeout(1000)
            page.screenshot(path=str(artifacts / "controller_customer.png"), full_page=True)
            for nav in ("overview", "open_items", "risk", "disputes", "pipeline"):
                visit(page, nav, "controller")
            page.get_by_role("button", name=DE("app.logout")).click()

            # the credit manager's approvals page completes the set of screenshots
            login(page, "credit")
            visit(page, "approvals", "credit")
        except Exception:
            page.screenshot(path=str(artifacts / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()


@pytest.fixture()
def served(sample_workspace: Settings, tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    settings = prepare_home(sample_workspace.serving_path, tmp_path / "home")
    process, base = serve_app(settings.home)
    try:
        yield settings, base
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)


def test_collector_promise_reaches_the_controller(served):
    settings, base = served
    run_journey(settings, base, ARTIFACTS / "dashboards")
    screenshots = {p.name for p in (ARTIFACTS / "dashboards").glob("*.png")}
    for page in ("overview", "open_items", "risk", "disputes", "pipeline"):
        assert f"controller_{page}.png" in screenshots
    assert {"collector_worklist.png", "collector_customer.png", "credit_approvals.png"} <= (
        screenshots
    )

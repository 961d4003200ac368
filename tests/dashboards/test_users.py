"""Users: bcrypt hashes in users.yaml, roles, throttled failed logins, demo users."""

from __future__ import annotations

import logging
import stat
import threading
from dataclasses import replace

import pytest
import yaml

from core import users
from core.users import LoginThrottle, LoginThrottled


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_add_and_verify(settings):
    users.add_user(settings, "Anna", "collector", "Anna Becker", "correct horse")
    stored = yaml.safe_load(settings.users_file.read_text())["users"]
    assert stored[0]["name"] == "anna" and stored[0]["collector"] == "Anna Becker"
    assert stored[0]["password_hash"].startswith("$2b$")
    assert "correct horse" not in settings.users_file.read_text()
    assert stat.S_IMODE(settings.users_file.stat().st_mode) == 0o600
    throttle = LoginThrottle(Clock())
    user = users.verify(settings, " ANNA ", "correct horse", throttle)
    assert user == users.User("anna", "collector", "Anna Becker")
    assert users.verify(settings, "anna", "wrong horse", LoginThrottle(Clock())) is None
    assert users.verify(settings, "nobody", "correct horse", LoginThrottle(Clock())) is None


def test_adding_again_replaces_the_user(settings):
    users.add_user(settings, "cfo", "cfo", None, "first-password")
    users.add_user(settings, "cfo", "controller", None, "second-password")
    assert [u["role"] for u in users.load_users(settings)] == ["controller"]
    assert users.verify(settings, "cfo", "second-password", LoginThrottle(Clock())).role == (
        "controller"
    )


@pytest.mark.parametrize(
    ("name", "role", "collector", "password"),
    [
        ("x", "boss", None, "long-enough"),
        ("x", "collector", None, "long-enough"),
        ("x", "cfo", "Anna", "long-enough"),
        ("two words", "cfo", None, "long-enough"),
        ("x", "cfo", None, "short"),
    ],
)
def test_invalid_users_are_refused(settings, name, role, collector, password):
    with pytest.raises(ValueError):
        users.add_user(settings, name, role, collector, password)
    assert not settings.users_file.exists()


def test_failed_logins_are_throttled_exponentially(settings, caplog):
    users.add_user(settings, "ctl", "controller", None, "the-password")
    clock = Clock()
    throttle = LoginThrottle(clock)
    caplog.set_level(logging.DEBUG)
    assert users.verify(settings, "ctl", "guess-1", throttle) is None  # blocked 1 s
    with pytest.raises(LoginThrottled):
        users.verify(settings, "ctl", "the-password", throttle)  # refused unchecked
    clock.now += 1.01
    assert users.verify(settings, "ctl", "guess-2", throttle) is None  # blocked 2 s
    clock.now += 1.5
    with pytest.raises(LoginThrottled) as refused:
        users.verify(settings, "ctl", "the-password", throttle)
    assert 0 < refused.value.retry_after <= 0.5
    clock.now += 0.6
    assert users.verify(settings, "ctl", "the-password", throttle) is not None
    assert users.verify(settings, "ctl", "guess-3", throttle) is None  # counter was reset
    assert throttle.failed(("x", "y")) == 1.0 and throttle.failed(("x", "y")) == 2.0
    for _ in range(20):
        throttle.failed(("x", "y"))
    assert throttle.failed(("x", "y")) == users.MAX_DELAY_SECONDS
    assert "the-password" not in caplog.text and "guess" not in caplog.text


def test_demo_users_one_collector_each(mini):
    mini.users_file.unlink()
    created = users.create_demo_users(mini)
    names = {name: (role, collector, password) for name, role, collector, password in created}
    assert names["cfo"] == ("cfo", None, "cfo-demo")
    assert names["credit"][0] == "credit_manager"
    assert names["anna.becker"] == ("collector", "Anna Becker", "anna.becker-demo")
    assert names["jonas.weber"] == ("collector", "Jonas Weber", "jonas.weber-demo")
    # demo users are marked and open only in demo mode (make demo sets FORDERWERK_DEMO_USERS)
    assert all(u["demo"] for u in users.load_users(mini))
    assert users.verify(mini, "jonas.weber", "jonas.weber-demo", LoginThrottle(Clock())) is None
    # an unmarked user (an older users.yaml) with the documented demo password: refused too
    users.add_user(mini, "cfo", "cfo", None, "cfo-demo")
    assert users.verify(mini, "cfo", "cfo-demo", LoginThrottle(Clock())) is None
    assert users.verify(replace(mini, demo_users=True), "cfo", "cfo-demo", LoginThrottle(Clock()))
    demo_mode = replace(mini, demo_users=True)
    jonas = users.verify(demo_mode, "jonas.weber", "jonas.weber-demo", LoginThrottle(Clock()))
    assert jonas == users.User("jonas.weber", "collector", "Jonas Weber")
    assert users.still_valid(demo_mode, jonas) and not users.still_valid(mini, jonas)
    assert users.collector_user_name("Claire Dubois-Müller") == "claire.dubois-muller"


def test_parallel_guesses_get_one_attempt_per_window(settings):
    """Eight guesses at once for one name: the first is admitted (and counted as failed
    while its hash is checked), the other seven are refused unchecked. Then one address
    trying other names is throttled as well."""
    users.add_user(settings, "ctl", "controller", None, "the-password")
    throttle = LoginThrottle(Clock())  # time stands still: every guess is in one window
    results: list[object] = []

    def guess(n: int) -> None:
        try:
            results.append(users.verify(settings, "ctl", f"guess-{n}", throttle))
        except LoginThrottled:
            results.append("throttled")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, results)) == ["None"] + ["throttled"] * 7
    throttle = LoginThrottle(Clock())
    assert users.verify(settings, "a", "guess", throttle, address="203.0.113.9") is None
    with pytest.raises(LoginThrottled):
        users.verify(settings, "b", "guess", throttle, address="203.0.113.9")
    # another address is not blocked by it, and a success clears both keys
    assert users.verify(settings, "ctl", "the-password", throttle, address="198.51.100.2")


def test_a_deleted_or_re_roled_user_is_no_longer_valid(settings):
    anna = users.add_user(settings, "anna", "collector", "Anna Becker", "anna-password")
    assert users.still_valid(settings, anna)
    users.add_user(settings, "anna", "collector", "Jonas Weber", "anna-password")
    assert not users.still_valid(settings, anna)  # another collector's customers now
    users.add_user(settings, "anna", "controller", None, "anna-password")
    assert not users.still_valid(settings, anna)
    settings.users_file.write_text("users: []\n", encoding="utf-8")
    assert not users.still_valid(settings, users.User("anna", "controller"))

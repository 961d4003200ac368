"""Users: bcrypt hashes in users.yaml, roles, throttled failed logins, demo users."""

from __future__ import annotations

import logging
import stat

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
    assert users.verify(mini, "jonas.weber", "jonas.weber-demo", LoginThrottle(Clock()))
    assert users.collector_user_name("Claire Dubois-Müller") == "claire.dubois-muller"

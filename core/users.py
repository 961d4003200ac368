"""App users: bcrypt-hashed passwords in FORDERWERK_HOME/users.yaml, throttled logins.

The file holds ``users:``, a list of ``{name, role, collector, password_hash}``; nothing
else ships a password. ``forderwerk users add NAME --role ROLE [--collector NAME]`` calls
:func:`add_user`; ``make demo`` calls :func:`create_demo_users`.

Failed logins are throttled per user name and per client address inside the server
process (exponential delay, kept in memory, never in the browser): after the n-th failure
in a row, the next attempt is refused unverified for ``2 ** (n - 1)`` seconds, at most 15
minutes. An attempt is counted as failed when it is admitted, under the lock, and cleared
when the password matches: parallel guesses cannot slip in while a hash is checked. Unknown
names are throttled and hashed alike, so timing and messages do not tell which names exist.

Demo users (``make demo``, documented passwords) are marked ``demo: true`` and refused
unless the workspace runs in demo mode (``FORDERWERK_DEMO_USERS=1``, which ``make demo``
sets): a production workspace copied from a demo keeps no open door.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import bcrypt
import yaml

from core.serving import SnapshotMissing, snapshot_rows
from core.settings import Settings

ROLES = ("cfo", "controller", "credit_manager", "collector", "admin")
MIN_PASSWORD_LENGTH = 8
MAX_DELAY_SECONDS = 15 * 60
# Compared against when the name is unknown, so an unknown name costs as much as a known one.
_DUMMY_HASH = bcrypt.hashpw(b"forderwerk-no-such-user", bcrypt.gensalt(rounds=12))

#: Demo users `make demo` creates, with their documented passwords (DEMO.md in dashboards/).
DEMO_USERS = (
    ("cfo", "cfo", None),
    ("controller", "controller", None),
    ("credit", "credit_manager", None),
    ("admin", "admin", None),
)
DEMO_PASSWORD_SUFFIX = "-demo"


@dataclass(frozen=True)
class User:
    name: str
    role: str
    collector: str | None = None


class LoginThrottled(Exception):
    """Too many failed logins for this name; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"too many failed logins; try again in {retry_after:.0f} s")
        self.retry_after = retry_after


class LoginThrottle:
    """Failed-login bookkeeping per (workspace, user name), shared by all sessions."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}

    def admit(self, keys: list[tuple[str, str]]) -> None:
        """Let one attempt through for all ``keys`` (name, address), atomically: refused
        while any is blocked, else counted as a failure at once (so a parallel attempt
        waits) until :meth:`succeeded` clears it."""
        with self._lock:
            now = self._clock()
            for key in keys:
                count, blocked_until = self._failures.get(key, (0, 0.0))
                if count and blocked_until - now > 0:
                    raise LoginThrottled(blocked_until - now)
            for key in keys:
                self._count_failure(key, now)

    def failed(self, key: tuple[str, str]) -> float:
        """Record a failure; returns the seconds the name is now blocked for."""
        with self._lock:
            return self._count_failure(key, self._clock())

    def _count_failure(self, key: tuple[str, str], now: float) -> float:
        """One more failure for ``key`` (the caller holds the lock); the seconds it blocks."""
        count = self._failures.get(key, (0, 0.0))[0] + 1
        delay = float(min(2 ** (count - 1), MAX_DELAY_SECONDS))
        self._failures[key] = (count, now + delay)
        return delay

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)


THROTTLE = LoginThrottle()


def _normalise(name: str) -> str:
    return name.strip().lower()


def load_users(settings: Settings) -> list[dict]:
    path = settings.users_file
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("users") or [])


def _save_users(settings: Settings, users: list[dict]) -> None:
    """Write users.yaml atomically, readable by the owner only."""
    path = settings.users_file
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"users": users}, sort_keys=False, allow_unicode=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".users.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise


def add_user(
    settings: Settings,
    name: str,
    role: str,
    collector: str | None,
    password: str,
    *,
    demo: bool = False,
) -> User:
    """Add a user, or replace the one of that name (a new password or role).

    ``collector`` is the ERP collector name whose customers a ``collector`` user sees;
    it is required for that role and refused for the others.
    """
    name = _normalise(name)
    if not name or any(ch.isspace() for ch in name):
        raise ValueError("a user name must be one word without spaces")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    collector = (collector or "").strip() or None
    if role == "collector" and not collector:
        raise ValueError("a collector user needs --collector: the collector name in the ERP")
    if role != "collector" and collector:
        raise ValueError("only users with role collector have a collector name")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    password_hash = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
    users = [u for u in load_users(settings) if _normalise(str(u.get("name", ""))) != name]
    record = {"name": name, "role": role, "collector": collector, "password_hash": password_hash}
    users.append(record | ({"demo": True} if demo else {}))
    _save_users(settings, users)
    return User(name=name, role=role, collector=collector)


def verify(
    settings: Settings,
    name: str,
    password: str,
    throttle: LoginThrottle | None = None,
    *,
    address: str | None = None,
) -> User | None:
    """The user if name and password match, else None; raises :class:`LoginThrottled`
    while the name or the client ``address`` is blocked after failed attempts (the
    password is then not checked). A demo user outside demo mode is refused like a wrong
    password."""
    throttle = throttle or THROTTLE
    name = _normalise(name)
    keys = [(str(settings.home), f"name:{name}")]
    if address:
        keys.append((str(settings.home), f"address:{address}"))
    throttle.admit(keys)
    record = _record(settings, name)
    stored = str(record["password_hash"]).encode("ascii") if record else _DUMMY_HASH
    matches = bcrypt.checkpw(password.encode("utf-8"), stored)
    # a password that is the documented demo pattern is a demo credential, also in a
    # users.yaml written before demo users were marked
    demo = bool(record and record.get("demo")) or password == demo_password(name)
    if record is None or not matches or (demo and not settings.demo_users):
        return None
    for key in keys:
        throttle.succeeded(key)
    return _user(record)


def _record(settings: Settings, name: str) -> dict | None:
    name = _normalise(name)
    return next((u for u in load_users(settings) if _normalise(str(u["name"])) == name), None)


def _user(record: dict) -> User:
    return User(
        name=_normalise(str(record["name"])),
        role=str(record["role"]),
        collector=record.get("collector") or None,
    )


def still_valid(settings: Settings, user: User) -> bool:
    """Whether a signed-in ``user`` may stay signed in: the user still exists with the
    same role and collector scope (a deleted or re-roled user is out at the next click),
    and a demo user only in demo mode."""
    record = _record(settings, user.name)
    if record is None or (record.get("demo") and not settings.demo_users):
        return False
    return _user(record) == user


def collector_user_name(collector: str) -> str:
    """``Claire Dubois`` -> ``claire.dubois``: the demo login of an ERP collector."""
    ascii_name = unicodedata.normalize("NFKD", collector).encode("ascii", "ignore").decode()
    return ".".join(ascii_name.lower().split())


def demo_password(user_name: str) -> str:
    return f"{user_name}{DEMO_PASSWORD_SUFFIX}"


def _collectors_in_snapshot(settings: Settings) -> list[str]:
    try:
        rows = snapshot_rows(
            settings.serving_path,
            "select distinct collector from marts.dim_customers "
            "where collector is not null and trim(collector) <> '' order by collector",
        )
    except SnapshotMissing:
        return []
    return [row[0] for row in rows]


def create_demo_users(settings: Settings) -> list[tuple[str, str, str | None, str]]:
    """Create the documented demo users; returns (name, role, collector, password) rows.

    ``cfo``, ``controller``, ``credit`` (credit_manager) and ``admin``, plus one collector
    user per collector name in ``marts.dim_customers`` of the published snapshot (``Anna
    Becker`` -> ``anna.becker``). Every demo password is the user name + ``-demo``
    (``cfo-demo``). For demonstrations only: ``make demo`` calls this, nothing else does.
    """
    wanted = [(name, role, collector) for name, role, collector in DEMO_USERS]
    wanted += [(collector_user_name(c), "collector", c) for c in _collectors_in_snapshot(settings)]
    created = []
    for name, role, collector in wanted:
        add_user(settings, name, role, collector, demo_password(name), demo=True)
        created.append((name, role, collector, demo_password(name)))
    return created

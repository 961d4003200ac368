"""One pipeline run at a time per workspace, and a second trigger waits instead of failing.

DuckDB lets one process write a database file, so two runs at once (a cron job and a
person typing ``forderwerk run``, or the schedule and the CLI) used to both fail on the
warehouse's lock, and the day's dunning was skipped. The Dagster daemon's run queue already
runs its own runs one at a time (dagster.yaml); this lock also covers runs started outside
it. It is an advisory ``flock`` on ``FORDERWERK_HOME/run.lock``: the kernel releases it
when its holder dies, so a killed run never leaves a stale lock behind, and the file names
the holder for the message of whoever waits.

The lock is re-entrant within a process: ``forderwerk run`` takes it around the whole job,
and the job's steps, which take it again (``WorkspaceResource``), run in the same process.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from core.settings import Settings

POLL_SECONDS = 0.5

_held: dict[Path, int] = {}  # lock file -> times taken by this process
_guard = threading.Lock()


class RunLockTimeout(RuntimeError):
    """Another run held the workspace longer than the configured wait."""


def holder_of(path: Path) -> dict[str, object]:
    """Who holds (or last held) the lock, as its file says; empty if unknown."""
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def describe(holder: dict[str, object]) -> str:
    if not holder:
        return "another run"
    return (
        f"{holder.get('what', 'a run')} (process {holder.get('pid')}, "
        f"started {holder.get('started_at')} UTC)"
    )


@contextlib.contextmanager
def run_lock(
    settings: Settings,
    what: str,
    *,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the workspace's run lock for the block; wait up to ``timeout`` seconds
    (default ``settings.run_lock_timeout``) for another holder, calling ``on_wait`` once
    with a sentence naming it."""
    path = settings.run_lock_path.resolve()
    with _guard:
        if _held.get(path):
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, settings.run_lock_timeout if timeout is None else timeout, on_wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _holder_text(what), 0)
        with _guard:
            _held[path] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(path, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, timeout: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = describe(holder_of(path))
        if time.monotonic() >= deadline:
            raise RunLockTimeout(
                f"{holder} still holds {path} after {timeout:.0f} s; this run did not start. "
                "Run it again when that run has finished (FORDERWERK_RUN_LOCK_TIMEOUT sets "
                "how long to wait)."
            )
        if not told and on_wait is not None:
            on_wait(f"waiting for {holder} to finish")
            told = True
        time.sleep(POLL_SECONDS)


def _holder_text(what: str) -> bytes:
    started = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    return json.dumps({"pid": os.getpid(), "what": what, "started_at": started}).encode()

"""Parse bank files in worker processes while the loader commits the ones before them.

Reading a camt or MT940 file is pure Python over lxml and takes most of a bank ingest
(about 0.15 s per daily statement file of a large company), while committing it to DuckDB
is short and must stay sequential (arrival order, one transaction per file). So the files
are parsed ahead, a bounded window at a time, in spawned processes (never forked: the
loader runs inside Dagster and DuckDB, both with threads of their own), and consumed in
order. A file whose parse failed in a worker is parsed again in the loader, so every
error is reported exactly as without workers; results are only an optimisation.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from core.settings import worker_processes
from orchestration.ingest.bank_model import ParsedBankFile

log = logging.getLogger(__name__)

#: files in flight per worker: enough to keep the workers busy, few enough to bound memory
WINDOW_PER_WORKER = 2
#: below this many files the workers' start-up (about 0.5 s) does not pay
MIN_FILES = 8


def worker_count() -> int:
    """FORDERWERK_INGEST_WORKERS, else the machine's cores (0 or 1: parse in the loader)."""
    return worker_processes("FORDERWERK_INGEST_WORKERS")


def _parse_in_worker(path: str) -> ParsedBankFile | None:
    from orchestration.loading.bank import parse_bank_file

    try:
        return parse_bank_file(Path(path).read_bytes(), Path(path).name)
    except Exception:  # reported by the loader's own parse of the file
        return None


class ParsedAhead:
    """``take(path)`` gives the worker's parse of ``path`` (None: parse it yourself); call
    it for the paths in the order given."""

    def __init__(self, executor: ProcessPoolExecutor | None, paths: list[Path], window: int):
        self._executor = executor
        self._waiting = deque(paths)
        self._futures: dict[Path, Future] = {}
        self._window = window
        self._fill()

    def _fill(self) -> None:
        while self._executor and self._waiting and len(self._futures) < self._window:
            path = self._waiting.popleft()
            try:
                self._futures[path] = self._executor.submit(_parse_in_worker, str(path))
            except Exception as exc:  # the pool broke (a worker died): the loader parses on
                log.warning("bank parse workers stopped (%s); parsing in the loader", exc)
                self._executor = None

    def take(self, path: Path) -> ParsedBankFile | None:
        future = self._futures.pop(path, None)
        self._fill()
        if future is None:
            return None
        try:
            return future.result()
        except Exception:  # a worker died (memory, signal): the loader parses instead
            return None


@contextmanager
def parsed_ahead(paths: list[Path]) -> Iterator[ParsedAhead]:
    """Workers parsing ``paths`` ahead of the loader, or none when they would not pay."""
    workers = min(worker_count(), len(paths))
    if workers < 2 or len(paths) < MIN_FILES:
        yield ParsedAhead(None, [], 0)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as executor:
        ahead = ParsedAhead(executor, paths, workers * WINDOW_PER_WORKER)
        try:
            yield ahead
        finally:
            for future in ahead._futures.values():
                future.cancel()

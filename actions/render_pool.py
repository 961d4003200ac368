"""Render many notices in long-lived worker processes, results in input order.

A letter is Jinja2 plus a WeasyPrint PDF, about 70 ms of single-threaded Python each;
e-mails are Jinja2 only. On a day with hundreds of notices the render step is the dunning
run's longest, and each core can render its own. The workers are spawned (never forked:
the engine runs inside Dagster, with threads) once per batch and keep the company, the
engine settings and WeasyPrint's fonts loaded across notices. A failure is returned as
its message, never raised, so one broken notice stops nothing else.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from core.settings import worker_processes

#: below this many notices the workers' start-up (about 1 s each) does not pay
MIN_NOTICES = 24
#: notices per task sent to a worker: amortises the pickling round trip
CHUNK = 8


@dataclass(frozen=True)
class Rendered:
    action_id: str
    content: dict[str, Any] | None  # subject, text_body, html_body, pdf
    error: str | None = None  # "TypeName: message" when rendering failed


def worker_count() -> int:
    """FORDERWERK_RENDER_WORKERS, else the machine's cores (0 or 1: render in-process)."""
    return worker_processes("FORDERWERK_RENDER_WORKERS")


_state: dict[str, Any] = {}


def _init(company: Any, config: Any) -> None:
    _state["company"], _state["config"] = company, config


def _render_one(action: dict, items: list[dict], company: Any, config: Any) -> Rendered:
    from actions.engine import render_action

    try:
        return Rendered(action["action_id"], render_action(action, items, company, config))
    except Exception as exc:  # a broken template must show, not stop the run
        return Rendered(action["action_id"], None, f"{type(exc).__name__}: {exc}")


def _render_chunk(chunk: list[tuple[dict, list[dict]]]) -> list[Rendered]:
    return [_render_one(a, its, _state["company"], _state["config"]) for a, its in chunk]


def render_all(
    actions: list[dict], items: dict[str, list[dict]], company: Any, config: Any
) -> Iterator[Rendered]:
    """Each action rendered, in the order given: in workers when there are enough."""
    work = [(a, items[a["action_id"]]) for a in actions]
    workers = min(worker_count(), -(-len(work) // CHUNK))
    if workers < 2 or len(work) < MIN_NOTICES:
        for action, its in work:
            yield _render_one(action, its, company, config)
        return
    chunks = [work[i : i + CHUNK] for i in range(0, len(work), CHUNK)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init, initargs=(company, config)
    ) as executor:
        for rendered in executor.map(_render_chunk, chunks):
            yield from rendered

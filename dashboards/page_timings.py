"""How long each page of the app takes to render against a workspace's snapshot.

    python -m dashboards.page_timings --home /path/to/FORDERWERK_HOME [--runs 5]

Each page is run through Streamlit's AppTest (the script as the server runs it, without a
browser's paint) as a user of a role that may see it: once to load (caches cold), then
``runs`` times more; the median and the maximum of those are what "renders in under
1.5 s after its first load" (issue 6) is about. Nothing is written to the workspace.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from core import users
from core.users import User
from dashboards import roles

APP = Path(__file__).resolve().parent / "app.py"


def _user_for(page: str, collector: str | None) -> User:
    if page == "worklist" and collector:
        return User(name="bench-collector", role="collector", collector=collector)
    return User(name="bench-admin", role="admin")


def time_page(page: str, user: User, runs: int) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.session_state["app_lang"] = "de"
    at.session_state["app_user"] = user
    at.run()
    started = time.perf_counter()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    first = time.perf_counter() - started
    errors = [e.value for e in at.exception]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - started)
        errors += [e.value for e in at.exception]
    return {
        "page": page,
        "first": first,
        "median": statistics.median(samples),
        "max": max(samples),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    # the timing users are made up, not in the workspace's users.yaml (nothing is written
    # there): the app's per-click session check would sign them out, so it is waived here
    users.still_valid = lambda settings, user: True
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--collector", default=None, help="collector for the worklist page")
    args = parser.parse_args(argv)
    os.environ["FORDERWERK_HOME"] = str(args.home.resolve())
    print(f"{'page':<12} {'first load':>10} {'median':>8} {'max':>8}")
    worst = 0.0
    for page in roles.PAGES:
        result = time_page(page, _user_for(page, args.collector), args.runs)
        worst = max(worst, result["max"])
        print(
            f"{page:<12} {result['first']:>9.2f}s {result['median']:>7.2f}s {result['max']:>7.2f}s"
            + (f"  errors: {result['errors']}" if result["errors"] else "")
        )
    print(f"slowest page after its first load: {worst:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

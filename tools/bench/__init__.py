"""The benchmark of issue 7: ``run_bench`` behind `forderwerk bench` and `make bench`.

The package stays light on import: the peers (``tools.bench.peers``) run in
processes that should hold their own data-frame library and nothing else, so the harness
is imported only when ``run_bench`` is called.
"""

from __future__ import annotations

from pathlib import Path

from core.settings import PROJECT_ROOT

DEFAULT_OUT_DIR = PROJECT_ROOT / "bench"
#: `make bench` default: about 200 k invoices finish in well under an hour on 2 cores
DEFAULT_INVOICES = 200_000


def run_bench(
    invoices: int,
    *,
    runs: int = 3,
    seed: int = 42,
    out_dir: Path = DEFAULT_OUT_DIR,
    measures: str | None = None,
) -> Path:
    """Benchmark Forderwerk on a generated company of ``invoices`` invoices; writes
    ``out_dir``/results.json and results.md and returns the path of results.md.
    ``measures``: comma-separated measure or group names (default: all)."""
    from tools.bench.harness import run_bench as run
    from tools.bench.harness import select_measures

    return run(invoices, runs=runs, seed=seed, out_dir=out_dir, measures=select_measures(measures))


__all__ = ["DEFAULT_INVOICES", "DEFAULT_OUT_DIR", "run_bench"]

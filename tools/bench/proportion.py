"""Issue 19's proportionality check: a day of the same size may cost at most 1.3x more at
1 M invoices than at 200 k. A longer history may not make the day dearer; a bigger day may.

One home for the rule, read by `forderwerk profile` (which measures it) and by the
benchmark report (which shows it beside the targets).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

#: issue 19: the increment at 1 M within 1.3x of the increment at 200 k
PROPORTION_LIMIT = 1.3
#: days whose rows loaded differ by at most this share count as the same size
SAME_DAY_TOLERANCE = 0.1


def scaling_exponent(t_small: float, t_large: float, n_small: int, n_large: int) -> float | None:
    """k in t ~ n^k through two points; None when a time is too small to say."""
    if min(t_small, t_large) < 0.01 or n_small == n_large:
        return None
    return math.log(t_large / t_small) / math.log(n_large / n_small)


def proportion(result: dict, other: dict) -> str:
    """The increment's time against the other size's, judged only for days of the same
    size (rows loaded within 10 %): a bigger day may cost more, a longer history may not."""
    ratio = result["seconds"] / other["seconds"]
    k = scaling_exponent(other["seconds"], result["seconds"], other["invoices"], result["invoices"])
    shown = f"{k:.2f}" if k is not None else "n/a"
    text = f"proportion: {ratio:.2f}x the increment at {other['invoices']:,} invoices (k = {shown})"
    day, other_day = result.get("increment_rows"), other.get("increment_rows")
    if not day or not other_day or abs(day / other_day - 1) > SAME_DAY_TOLERANCE:
        sizes = f"{other_day or '?'} and {day or '?'} rows loaded"
        return (
            f"{text}; not judged: the days differ in size ({sizes}), the check needs the same day"
        )
    verdict = "within" if ratio <= PROPORTION_LIMIT else "NOT within"
    return f"{text}, {verdict} the {PROPORTION_LIMIT}x a day of the same size may cost"


def profiled(profiles: Path, invoices: int = 1_000_000, against: int = 200_000) -> str | None:
    """The check between the committed profiles (``bench/profiles``) of the two sizes, the
    larger one thinned to the smaller one's day where such a profile exists; None when
    either size has not been profiled."""
    larger = sorted(profiles.glob(f"n{invoices}-s*-d*.json")) or sorted(
        profiles.glob(f"n{invoices}-s*.json")
    )
    smaller = sorted(p for p in profiles.glob(f"n{against}-s*.json") if "-d" not in p.name)
    if not larger or not smaller:
        return None
    result, other = (json.loads(p.read_text(encoding="utf-8")) for p in (larger[0], smaller[0]))
    return f"{proportion(result, other)} ({larger[0].name} against {smaller[0].name})"

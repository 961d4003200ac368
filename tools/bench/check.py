"""Do Forderwerk and the peers compute the same core marts? Exactly, or the bench fails.

Each mart is reduced to a multiset of plain tuples: money as integer cents (so equality is
exact to the cent, no float anywhere), ``dso_countback`` as days x 10^4 and
``avg_days_late`` as days x 10^2 (the precision the marts store: decimal(18,4) and
decimal(9,2)), nulls as ``None``. Forderwerk's side is read from the warehouse the
``core_marts`` run built; a peer's side from its Parquet output.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from tools.bench.peers import OUTPUTS

#: mart -> the query giving Forderwerk's rows in the peers' output columns (``?`` = as-of)
FORDERWERK_QUERIES = {
    "open_items": """
        select document_id, customer_id, entity, document_type,
               cast(open_amount * 100 as bigint), days_past_due, aging_bucket,
               cast(open_amount_reporting * 100 as bigint)
        from marts.fct_open_items""",
    "aging": """
        select customer_id, aging_bucket, cast(open_amount_reporting * 100 as bigint), items
        from marts.fct_aging""",
    "dso": """
        select entity, cast(dso_countback * 10000 as bigint)
        from marts.fct_kpis_daily where kpi_date = ?""",
    "behaviour": """
        select customer_id, cast(avg_days_late * 100 as bigint)
        from intermediate.int_customers_payment_behaviour""",
}
EXAMPLES = 5


class ResultsDiffer(AssertionError):
    """A peer's marts differ from Forderwerk's: the comparison would be meaningless."""


def forderwerk_marts(warehouse: Path, as_of: date) -> dict[str, Counter]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: Counter(con.execute(sql, [as_of] if "?" in sql else []).fetchall())
            for name, sql in FORDERWERK_QUERIES.items()
        }


def peer_marts(out_dir: Path) -> dict[str, Counter]:
    marts = {}
    for name in OUTPUTS:
        table = pq.read_table(out_dir / f"{name}.parquet")
        marts[name] = Counter(
            zip(*(table.column(i).to_pylist() for i in range(table.num_columns)), strict=True)
        )
    return marts


def differences(expected: dict[str, Counter], actual: dict[str, Counter]) -> list[str]:
    """Human-readable differences per mart (empty when identical)."""
    problems = []
    for name in OUTPUTS:
        missing = expected[name] - actual[name]
        extra = actual[name] - expected[name]
        if missing or extra:
            problems.append(
                f"{name}: {sum(expected[name].values())} rows expected, "
                f"{sum(missing.values())} missing, {sum(extra.values())} unexpected; "
                f"e.g. missing {sorted(missing, key=str)[:EXAMPLES]}, "
                f"unexpected {sorted(extra, key=str)[:EXAMPLES]}"
            )
    return problems


def assert_identical(peer: str, expected: dict[str, Counter], out_dir: Path) -> dict[str, int]:
    """Rows per mart when the peer agrees with Forderwerk; :class:`ResultsDiffer` otherwise."""
    problems = differences(expected, peer_marts(out_dir))
    if problems:
        raise ResultsDiffer(f"peer {peer} differs from Forderwerk:\n" + "\n".join(problems))
    return {name: sum(rows.values()) for name, rows in expected.items()}

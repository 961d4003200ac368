"""forderwerk profile: the scaling exponent, the proportion check and the code fingerprint
(hand-computed), and once end to end on a tiny generated company (marked long)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

from tools.bench.profile import code_fingerprint, profile, report
from tools.bench.proportion import scaling_exponent


def test_scaling_exponent_through_two_sizes():
    # 5x the invoices, 5x the time: linear, k = 1; 25x the time: k = 2; same time: k = 0
    assert scaling_exponent(2.0, 10.0, 200_000, 1_000_000) == pytest.approx(1.0)
    assert scaling_exponent(2.0, 50.0, 200_000, 1_000_000) == pytest.approx(2.0)
    assert scaling_exponent(3.0, 3.0, 200_000, 1_000_000) == pytest.approx(0.0)
    # 1.3x over 5x the history: k = ln 1.3 / ln 5 = 0.163
    assert scaling_exponent(1.0, 1.3, 1, 5) == pytest.approx(math.log(1.3) / math.log(5))
    assert scaling_exponent(0.001, 1.0, 1, 5) is None  # too small to fit


def result(invoices: int, seconds: float, nodes: list[tuple], day_rows: int = 1000) -> dict:
    return {
        "invoices": invoices,
        "increment_rows": day_rows,
        "as_of": "2026-10-30",
        "seconds": seconds,
        "cpu_seconds": seconds,
        "peak_rss_mb": 500,
        "nodes": [
            {
                "node": n,
                "seconds": s,
                "cpu_seconds": s,
                "rows": r,
                "status": "success",
                "spilled_bytes": 3 * 2**20 if r else 0,
            }
            for n, s, r in nodes
        ],
    }


def test_report_fits_each_node_and_checks_the_proportion():
    small = result(
        200_000, 10.0, [("model.fct_open_items", 2.0, 100), ("test.unique_x", 1.0, None)]
    )
    large = result(
        1_000_000, 20.0, [("model.fct_open_items", 10.0, 500), ("test.unique_x", 1.0, None)]
    )
    text = report(large, small)
    assert "seconds by kind: model 10.0, test 1.0" in text
    lines = {
        line.split()[0]: line.split()
        for line in text.splitlines()
        if line.startswith(("model.", "test."))
    }
    # seconds, CPU seconds, rows, MB spilled (3 MiB) and k: 5x the time on 5x the size, k = 1
    assert lines["model.fct_open_items"][1:] == ["10.00", "10.00", "500", "3.0", "1.00"]
    assert lines["test.unique_x"][1:] == ["1.00", "1.00", "0.0", "0.00"]  # no rows, k = 0
    # 20 / 10 = 2.00x, k = ln 2 / ln 5 = 0.43: not within 1.3x
    assert "proportion: 2.00x the increment at 200,000 invoices (k = 0.43), NOT within" in text
    # 12 / 10 = 1.20x on a day of 1 050 rows against 1 000 (5 % more, the same size): within
    same = result(1_000_000, 12.0, [], day_rows=1050)
    assert "1.20x the increment at 200,000 invoices (k = 0.11), within the 1.3x" in report(
        same, small
    )
    # a day five times the size is not judged
    bigger = result(1_000_000, 12.0, [], day_rows=5000)
    assert "not judged: the days differ in size (1000 and 5000 rows loaded)" in report(
        bigger, small
    )


def test_the_fingerprint_follows_the_code(tmp_path: Path):
    models = tmp_path / "dbt_project" / "models"
    models.mkdir(parents=True)
    (models / "a.sql").write_text("select 1")
    first = code_fingerprint(tmp_path)
    (models / "notes.txt").write_text("not code")
    assert code_fingerprint(tmp_path) == first
    (models / "a.sql").write_text("select 2")
    assert code_fingerprint(tmp_path) != first


@pytest.mark.long
def test_profile_a_tiny_company(tmp_path: Path):
    path, text = profile(2000, seed=7, out_dir=tmp_path, keep=True)
    found = json.loads(path.read_text())
    names = {n["node"] for n in found["nodes"]}
    assert {"model.int_payment_allocations_posted", "model.fct_open_items"} <= names
    rows = {n["node"]: n["rows"] for n in found["nodes"]}
    assert rows["model.fct_open_items"] > 0
    assert "model.fct_open_items" in text or len(found["nodes"]) > 25
    # --keep: the warehouse after the increment stays, with the rows the profile counted
    kept = Path(text.rsplit("kept: ", 1)[1].split(" ", 1)[0])
    with duckdb.connect(str(kept), read_only=True) as con:
        (open_items,) = con.execute("select count(*) from marts.fct_open_items").fetchone()
    assert open_items == rows["model.fct_open_items"]


def test_a_thinned_day_keeps_whole_customers_and_every_kth_bank_entry():
    import zlib
    from datetime import date

    from tools.bench.company import split_events, split_world, thinned
    from tools.generate.company import simulate
    from tools.generate.config import CompanyConfig

    config = CompanyConfig(seed=3, customers=60, invoices=1500, end=date(2026, 10, 30))
    _, day = split_world(simulate(config), config.end)
    kept = thinned(day, 3)
    share = {d.customer.customer_id for d in kept.invoices}
    assert share and all(zlib.crc32(c.encode()) % 3 == 0 for c in share)
    assert [d.document_id for d in kept.invoices] == [
        d.document_id for d in day.invoices if zlib.crc32(d.customer.customer_id.encode()) % 3 == 0
    ]
    for key, statements in day.statements.items():
        for whole, thin in zip(statements, kept.statements[key], strict=True):
            assert thin.entries == whole.entries[::3] and thin.opening == whole.opening
    assert thinned(day, 1) is day
    csv_text = (
        b"event_id,at,actor,customer_id,document_id,type,amount,until,text\n"
        b"E1,2026-10-29T10:00:00,A,C1,,note,,,x\n"
        b"E2,2026-10-30T10:00:00,A,C1,,note,,,x\n"
        b"E3,2026-10-30T11:00:00,A,C2,,note,,,x\n"
    )
    keep = [c for c in ("C1", "C2") if zlib.crc32(c.encode()) % 2 == 0]
    before, on_day = split_events(csv_text, date(2026, 10, 30), 2)
    assert before.decode().count("\n") == 2  # header + E1
    assert [line.split(",")[3] for line in on_day.decode().splitlines()[1:]] == keep

"""`forderwerk rebuild` compares the rebuilt warehouse with the current one row by row:
hand-made pairs of tiny warehouses with known differences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orchestration.rebuild import compare

LEDGER_DDL = """create schema intermediate; create schema marts;
create table intermediate.int_payment_allocations_posted (
    payment_id varchar, document_id varchar, amount decimal(18, 2), posted_on date);
create table marts.fct_open_items (document_id varchar, open_amount decimal(18, 2),
    _loaded_at timestamp);
create table marts.fct_ingested_files (file_seq bigint, file_name varchar);"""


def warehouse(folder: Path, ledger: list[tuple], items: list[tuple], extra: str = "") -> Path:
    """A warehouse file named as in a workspace (the rebuild's is too)."""
    folder.mkdir()
    path = folder / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(LEDGER_DDL + extra)
        con.executemany(
            "insert into intermediate.int_payment_allocations_posted values (?, ?, ?, ?)", ledger
        )
        con.executemany("insert into marts.fct_open_items values (?, ?, now())", items)
        con.execute(f"insert into marts.fct_ingested_files values (1, '{folder.name}')")
    return path


DAY1, DAY2 = date(2026, 10, 29), date(2026, 10, 30)
LEDGER = [("P1", "D1", "100.00", DAY1), ("P2", "D2", "50.00", DAY2)]
ITEMS = [("D3", "70.00"), ("D4", "12.34")]


def test_identical_books_have_no_differences(tmp_path: Path):
    current = warehouse(tmp_path / "current", LEDGER, ITEMS)
    rebuilt = warehouse(tmp_path / "rebuilt", LEDGER, ITEMS)
    differences, compared = compare(current, rebuilt)
    assert differences == {}
    # the record of the ingest runs is not the books; load times are not compared
    assert compared == ["intermediate.int_payment_allocations_posted", "marts.fct_open_items"]


def test_a_cent_and_a_duplicate_row_are_differences(tmp_path: Path):
    current = warehouse(tmp_path / "current", LEDGER, ITEMS)
    rebuilt = warehouse(tmp_path / "rebuilt", [*LEDGER, LEDGER[1]], [("D3", "70.01"), ITEMS[1]])
    differences, _ = compare(current, rebuilt)
    assert differences == {
        "intermediate.int_payment_allocations_posted": (0, 1),  # P2 posted twice
        "marts.fct_open_items": (1, 1),  # 70.00 here, 70.01 there
    }


def test_from_compares_the_ledger_from_that_day_only(tmp_path: Path):
    current = warehouse(tmp_path / "current", LEDGER, ITEMS)
    rebuilt = warehouse(tmp_path / "rebuilt", [("P1", "D9", "100.00", DAY1), LEDGER[1]], ITEMS)
    assert compare(current, rebuilt, first=DAY2)[0] == {}
    assert compare(current, rebuilt)[0] == {"intermediate.int_payment_allocations_posted": (1, 1)}


def test_a_mart_on_one_side_only_counts_all_its_rows(tmp_path: Path):
    extra = "; create table marts.fct_new (x integer); insert into marts.fct_new values (1), (2)"
    current = warehouse(tmp_path / "current", LEDGER, ITEMS)
    rebuilt = warehouse(tmp_path / "rebuilt", LEDGER, ITEMS, extra)
    assert compare(current, rebuilt)[0] == {"marts.fct_new": (0, 2)}
    assert compare(rebuilt, current)[0] == {"marts.fct_new": (2, 0)}


def test_who_paid_is_compared_as_posted_from_the_day_it_was_decided(tmp_path: Path):
    """The payment decisions (int_payments_posted) are posted state too: a payer decided
    otherwise is a difference, and ``first`` reads them by their decided_on."""

    def decisions(payer: str) -> str:
        return (
            "; create table intermediate.int_payments_posted (payment_id varchar, "
            "customer_id varchar, decided_on date, file_seq bigint); "
            f"insert into intermediate.int_payments_posted values ('P1', '{payer}', "
            f"'{DAY1}', 7), ('P2', 'C2', '{DAY2}', 8)"
        )

    current = warehouse(tmp_path / "current", LEDGER, ITEMS, decisions("C1"))
    rebuilt = warehouse(tmp_path / "rebuilt", LEDGER, ITEMS, decisions("C9"))
    assert compare(current, rebuilt)[0] == {"intermediate.int_payments_posted": (1, 1)}
    assert compare(current, rebuilt, first=DAY2)[0] == {}
    assert "intermediate.int_payments_posted" in compare(current, current)[1]

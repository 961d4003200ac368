"""`forderwerk rebuild` compares the rebuilt warehouse with the current one row by row
(hand-made pairs of tiny warehouses with known differences), and `--from D` starts from the
books rolled back to D (a hand-made warehouse of two days)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.loading.warehouse import table_names
from orchestration.rebuild import compare, rolled_back

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


def test_the_books_rolled_back_to_a_day_are_those_the_runs_left_before_it(tmp_path: Path):
    """A replay from DAY2 starts from the books before it: file 2 (arrived DAY2) and its raw
    rows are taken back, with the copy mark of DAY2 and the continuity marks; P2's posting
    and D2's decision of DAY2 are deleted, and D1's decision, which D2's superseded on
    DAY2, stands again; every other model is dropped (a function of raw, built afresh),
    the posted tables are kept."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(LEDGER_DDL)
        con.execute(
            """create schema raw; create schema staging; create schema meta;
            create table raw.ingested_files (file_seq bigint, arrival_date date,
                ingested_at timestamp);
            insert into raw.ingested_files values (1, '2026-10-29', '2026-10-29 06:00'),
                (2, '2026-10-30', '2026-10-30 06:00'), (3, null, '2026-10-30 07:00');
            create table raw.erp__documents (document_id varchar, _file_seq bigint);
            insert into raw.erp__documents values ('D1', 1), ('D2', 2), ('D3', 3);
            create table raw.ops__copy_marks (source varchar, as_of_date date, mark varchar);
            insert into raw.ops__copy_marks values ('ops__app_events', '2026-10-29', 'a'),
                ('ops__app_events', '2026-10-30', 'b');
            create table meta.continuity (name varchar, value bigint);
            insert into meta.continuity values ('runs', 2);
            create table intermediate.int_payments_posted (payment_id varchar,
                customer_id varchar, decided_on date, superseded_on date);
            insert into intermediate.int_payments_posted values
                ('P1', 'C1', '2026-10-29', '2026-10-30'), ('P1', 'C9', '2026-10-30', null);
            create table staging.stg_erp__document_versions (document_id varchar);
            create view staging.stg_erp__documents as select 1 as x;
            create table intermediate.projection_builds (projection varchar);"""
        )
        con.executemany(
            "insert into intermediate.int_payment_allocations_posted values (?, ?, ?, ?)", LEDGER
        )
    rolled_back(path, DAY2)
    with duckdb.connect(str(path), read_only=True) as con:

        def rows(sql: str) -> list[tuple]:
            return con.execute(sql).fetchall()

        assert rows("select file_seq from raw.ingested_files") == [(1,)]
        assert rows("select document_id from raw.erp__documents") == [("D1",)]
        assert rows("select mark from raw.ops__copy_marks") == [("a",)]
        assert rows("select * from meta.continuity") == []
        assert rows("select * from intermediate.int_payment_allocations_posted") == [
            ("P1", "D1", Decimal("100.00"), DAY1)
        ]
        assert rows("select * from intermediate.int_payments_posted") == [("P1", "C1", DAY1, None)]
        assert table_names(con) == {
            "raw.ingested_files", "raw.erp__documents", "raw.ops__copy_marks",
            "meta.continuity", "intermediate.int_payment_allocations_posted",
            "intermediate.int_payments_posted",
        }  # fmt: skip
        assert rows("select view_name from duckdb_views() where not internal") == []

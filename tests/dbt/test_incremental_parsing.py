"""Bank payments' texts are parsed once: int_payment_references_parsed is incremental.

The hand-made dataset of test_cash_application is built once; then one credit's text
changes and one credit arrives, both in a later raw file, and the models run again. The
oracle: the unchanged credits keep the very rows of the first build (a marker written into
them survives), the changed
and the new credit are parsed, and the table equals a full refresh of the same raw data;
payments after the as-of date are parsed but not extracted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.loading.raw_tables import ensure_raw_schema, insert
from tests.dbt.helpers import rows, run_dbt
from tests.dbt.test_cash_application import CUSTOMERS, DOCUMENTS, TRANSACTIONS, b, bank

SELECT = ("--select", "+int_payment_references_extracted")
PARSED_COLUMNS = (
    "payment_id, reference_kind, reference_value, prefix_letters, prefix_class, "
    "sequence_length, token_position, window_text, input_fingerprint"
)


def dbt(warehouse: Path, work: Path, *args: str) -> None:
    result = run_dbt(warehouse, work, "run", "--vars", "{as_of_date: '2025-06-30'}", *args)
    assert result.returncode == 0, result.stdout[-6000:]


def parsed(warehouse: Path) -> list[tuple]:
    return rows(
        warehouse,
        f"select {PARSED_COLUMNS} from intermediate.int_payment_references_parsed order by all",
    )


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the warehouse built, changed and built again; the same raw data built afresh)."""
    folder = tmp_path_factory.mktemp("incremental")
    path = folder / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_raw_schema(con)
        insert(con, "erp__customers", CUSTOMERS)
        insert(con, "erp__documents", DOCUMENTS)
        insert(con, "bank__transactions", TRANSACTIONS)
    dbt(path, folder, *SELECT)
    with duckdb.connect(str(path)) as con:
        # a marker in the unchanged credits' rows: a second parse would overwrite it
        con.execute(
            "update intermediate.int_payment_references_parsed set window_text = 'first build' "
            f"where payment_id <> '{b('B03')}'"
        )
        # the bank corrects B03's text in a later file (raw files are numbered in arrival
        # order: the build looks only at rows from files after the last one it parsed)
        con.execute(
            "update raw.bank__transactions set remittance_text = 'RE-2025-000104', "
            "_file_seq = 4 where bank_reference = 'B03'"
        )
        arrived = bank("B30", "2025-07-05", "10.00", None, "Neu", "Rg.Nr. 2025/109")
        insert(con, "bank__transactions", [arrived | {"_file_seq": 4}])
    dbt(path, folder, *SELECT)
    fresh = folder / "fresh.duckdb"
    shutil.copyfile(path, fresh)
    dbt(fresh, folder / "fresh", *SELECT, "--full-refresh")
    return path, fresh


def test_unchanged_credits_are_not_parsed_again(rebuilt: tuple[Path, Path]):
    incremental, _ = rebuilt
    untouched = rows(
        incremental,
        "select distinct payment_id from intermediate.int_payment_references_parsed "
        "where window_text = 'first build' order by 1",
    )
    unchanged = sorted(
        b(t["bank_reference"])
        for t in TRANSACTIONS
        if t["direction"] == "credit" and not t["is_return"] and t["bank_reference"] != "B03"
    )
    assert [r[0] for r in untouched] == unchanged


def test_changed_and_new_credits_are_parsed(rebuilt: tuple[Path, Path]):
    incremental, _ = rebuilt
    found = rows(
        incremental,
        "select payment_id, reference_kind, reference_value "
        "from intermediate.int_payment_references_parsed "
        f"where payment_id in ('{b('B03')}', '{b('B30')}') "
        "and reference_kind in ('year_number', 'parsed') order by all",
    )
    assert found == [
        (b("B03"), "parsed", None),
        (b("B03"), "year_number", "2025-104"),
        (b("B30"), "parsed", None),
        (b("B30"), "year_number", "2025-109"),
    ]


def test_incremental_equals_full_refresh(rebuilt: tuple[Path, Path]):
    incremental, fresh = rebuilt

    def without_window_text(table: list[tuple]) -> list[tuple]:
        return sorted(row[:7] + row[8:] for row in table)

    def reparsed(table: list[tuple]) -> list[tuple]:
        return [row for row in table if row[0] in (b("B03"), b("B30"))]

    assert without_window_text(parsed(incremental)) == without_window_text(parsed(fresh))
    assert reparsed(parsed(incremental)) == reparsed(parsed(fresh))


def test_a_payment_after_the_as_of_date_is_parsed_not_extracted(rebuilt: tuple[Path, Path]):
    incremental, _ = rebuilt
    extracted = rows(
        incremental,
        "select count(*) from intermediate.int_payment_references_extracted "
        f"where payment_id in ('{b('B30')}', '{b('B25')}')",
    )
    assert extracted == [(0,)]

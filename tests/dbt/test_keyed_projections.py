"""An as-of model kept as a keyed projection re-projects only the keys its days touched.

`int_documents_issued` over three ERP files on three days (2025-06-01, -10, -20):

- file 1 brings D1 (issued 05-01, 100.00), D2 (issued 06-05: not yet issued on 06-01) and
  D3 (issued 05-20);
- file 2 changes D1 to 90.00;
- file 3 moves D3's issue date to 06-25 (it leaves the projection until then) and brings
  D4 (issued 06-15).

The oracles, by hand: after each day the rows and the day each was written on
(`_projected_on`): 06-01 D1, D3 (the first build); 06-10 D1 (a new version) and D2 (issued
since) re-projected, D3 kept from 06-01; 06-20 D4 added, D3 removed, D1 and D2 kept from
06-10. In `int_invoices_keyed` D1 and D3 share order PO-1, so each is re-projected with
the other (its count of the order's invoices). The state equals a full projection of the
same day; a past day, a changed model and --full-refresh project every key; the daily
run's tests look at the rows written that day only.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.loading.raw_tables import ensure_raw_schema, insert
from tests.dbt.helpers import rows, run_dbt

SELECT = (
    "--select",
    "stg_erp__document_versions",
    "stg_erp__documents",
    "int_documents_issued",
    "int_invoice_keys",
    "int_invoices_keyed",
)
ARRIVALS = {1: date(2025, 6, 1), 2: date(2025, 6, 10), 3: date(2025, 6, 20)}
ISSUED = (
    "select document_id, gross_amount, issue_date, _projected_on "
    "from intermediate.int_documents_issued order by document_id"
)
CONTENT = "select * exclude (_projected_on) from intermediate.int_documents_issued order by all"
KEYED_CONTENT = "select * exclude (_projected_on) from intermediate.int_invoices_keyed order by all"
KEYED = (
    "select document_id, order_id_invoices, _projected_on "
    "from intermediate.int_invoices_keyed order by document_id"
)


def doc(document_id: str, amount: str, issued: date, file_seq: int, row: int) -> dict:
    """An invoice; D1 and D3 belong to order PO-1."""
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "customer_id": "C1",
        "issue_date": issued,
        "due_date": date(2025, 7, 31),
        "amount": Decimal(amount),
        "currency": "EUR",
        "order_id": "PO-1" if document_id in ("D1", "D3") else None,
        "_row_number": row,
        "_file_seq": file_seq,
        "_source_file": f"documents_{file_seq}.csv",
    }


FILES = {
    1: [doc("D1", "100.00", date(2025, 5, 1), 1, 1), doc("D2", "50.00", date(2025, 6, 5), 1, 2),
        doc("D3", "10.00", date(2025, 5, 20), 1, 3)],
    2: [doc("D1", "90.00", date(2025, 5, 1), 2, 1)],
    3: [doc("D3", "10.00", date(2025, 6, 25), 3, 1), doc("D4", "40.00", date(2025, 6, 15), 3, 2)],
}  # fmt: skip


def arrive(warehouse: Path, file_seq: int) -> None:
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        insert(con, "erp__documents", FILES[file_seq])
        insert(con, "ingested_files", [{
            "file_seq": file_seq, "source": "erp", "file_name": f"documents_{file_seq}.csv",
            "status": "loaded", "arrival_date": ARRIVALS[file_seq],
            "ingested_at": datetime(2025, 6, 1),
        }])  # fmt: skip


def dbt(warehouse: Path, work: Path, as_of: date, *args: str) -> None:
    result = run_dbt(warehouse, work, "run", "--vars", f"{{as_of_date: '{as_of}'}}", *SELECT, *args)
    assert result.returncode == 0, result.stdout[-6000:]


def full_projection(warehouse: Path, work: Path, as_of: date) -> tuple[list[tuple], list[tuple]]:
    """The same raw data projected afresh for ``as_of``, every key."""
    fresh = work / f"fresh-{as_of}.duckdb"
    shutil.copyfile(warehouse, fresh)
    dbt(fresh, work / f"fresh-{as_of}", as_of, "--full-refresh")
    return rows(fresh, CONTENT), rows(fresh, KEYED_CONTENT)


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[int, list[tuple]]]:
    """(the warehouse after the three days, its folder, the documents issued and the
    invoices keyed after each day)."""
    folder = tmp_path_factory.mktemp("projections")
    path = folder / "warehouse.duckdb"
    after: dict[int, list[tuple]] = {}
    for file_seq, day in ARRIVALS.items():
        arrive(path, file_seq)
        dbt(path, folder, day)
        after[file_seq] = rows(path, ISSUED)
        after[-file_seq] = rows(path, KEYED)
    return path, folder, after


JUNE = {n: date(2025, 6, n) for n in (1, 5, 10, 20)}


def test_each_day_re_projects_the_documents_it_touched(days):
    _, _, after = days
    assert after[1] == [
        ("D1", Decimal("100.00"), date(2025, 5, 1), JUNE[1]),
        ("D3", Decimal("10.00"), date(2025, 5, 20), JUNE[1]),
    ]
    assert after[2] == [
        ("D1", Decimal("90.00"), date(2025, 5, 1), JUNE[10]),  # a new version
        ("D2", Decimal("50.00"), date(2025, 6, 5), JUNE[10]),  # issued since
        ("D3", Decimal("10.00"), date(2025, 5, 20), JUNE[1]),  # untouched: kept
    ]
    assert after[3] == [
        ("D1", Decimal("90.00"), date(2025, 5, 1), JUNE[10]),
        ("D2", Decimal("50.00"), date(2025, 6, 5), JUNE[10]),
        ("D4", Decimal("40.00"), date(2025, 6, 15), JUNE[20]),  # D3 now issued 06-25: gone
    ]


def test_an_invoice_is_re_projected_with_the_other_invoices_of_its_order(days):
    """D3 is untouched on 06-10 but shares PO-1 with D1; on 06-20 it leaves and D1, itself
    untouched, counts its order's invoices again."""
    _, _, after = days
    assert after[-1] == [("D1", 2, JUNE[1]), ("D3", 2, JUNE[1])]
    assert after[-2] == [("D1", 2, JUNE[10]), ("D2", None, JUNE[10]), ("D3", 2, JUNE[10])]
    assert after[-3] == [("D1", 1, JUNE[20]), ("D2", None, JUNE[10]), ("D4", None, JUNE[20])]


def test_the_state_equals_a_full_projection(days):
    path, folder, _ = days
    assert (rows(path, CONTENT), rows(path, KEYED_CONTENT)) == full_projection(
        path, folder, JUNE[20]
    )
    (recorded,) = rows(
        path,
        "select as_of_date, file_seq from intermediate.projection_builds "
        "where projection = 'int_documents_issued'",
    )
    assert recorded == (JUNE[20], 3)


LOGGED = (
    "select as_of_date, key_value from intermediate.projection_keys "
    "where projection = 'int_documents_issued' order by all"
)


def test_each_build_logs_the_keys_it_re_projected(days):
    """For the projections that read this one: a null key for a build of every key."""
    path, _, _ = days
    assert rows(path, LOGGED) == [
        (JUNE[1], None),
        (JUNE[10], "D1"),
        (JUNE[10], "D2"),
        (JUNE[20], "D3"),  # left the projection: its rows were deleted
        (JUNE[20], "D4"),
    ]


def test_a_past_day_projects_every_key_and_the_next_day_steps_from_it(days, tmp_path: Path):
    path, _, _ = days
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(path, warehouse)
    dbt(warehouse, tmp_path, JUNE[5])  # a re-run of a past day: what was known on 06-05
    assert rows(warehouse, ISSUED) == [
        ("D1", Decimal("100.00"), date(2025, 5, 1), JUNE[5]),
        ("D2", Decimal("50.00"), date(2025, 6, 5), JUNE[5]),
        ("D3", Decimal("10.00"), date(2025, 5, 20), JUNE[5]),
    ]
    dbt(warehouse, tmp_path, JUNE[20])  # steps from 06-05: files 2 and 3, issued 06-06..20
    assert rows(warehouse, ISSUED) == [
        ("D1", Decimal("90.00"), date(2025, 5, 1), JUNE[20]),
        ("D2", Decimal("50.00"), date(2025, 6, 5), JUNE[5]),
        ("D4", Decimal("40.00"), date(2025, 6, 15), JUNE[20]),
    ]
    assert rows(warehouse, LOGGED) == [  # the days after 06-05 logged anew
        (JUNE[1], None),
        (JUNE[5], None),
        (JUNE[20], "D1"),
        (JUNE[20], "D3"),
        (JUNE[20], "D4"),
    ]
    assert (rows(warehouse, CONTENT), rows(warehouse, KEYED_CONTENT)) == full_projection(
        warehouse, tmp_path, JUNE[20]
    )


@pytest.mark.parametrize("change", ["the model's code", "a re-run of the same day"])
def test_a_changed_model_or_a_re_run_projects_every_key(days, tmp_path: Path, change: str):
    path, _, _ = days
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(path, warehouse)
    if change == "the model's code":
        with duckdb.connect(str(warehouse)) as con:
            con.execute("update intermediate.projection_builds set code_checksum = 'older'")
    dbt(warehouse, tmp_path, JUNE[20])
    assert {r[3] for r in rows(warehouse, ISSUED)} == {JUNE[20]}
    assert {r[2] for r in rows(warehouse, KEYED)} == {JUNE[20]}


def test_the_daily_tests_look_at_the_rows_written_that_day(
    days, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path, _, _ = days
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(path, warehouse)
    with duckdb.connect(str(warehouse)) as con:  # D2 twice, written on 06-10
        con.execute(
            "insert into intermediate.int_documents_issued "
            "select * from intermediate.int_documents_issued where document_id = 'D2'"
        )

    def unique_test(scope: str) -> int:
        monkeypatch.setenv("FORDERWERK_TEST_SCOPE", scope)
        done = run_dbt(
            warehouse, tmp_path, "test", "--select", "unique_int_documents_issued_document_id",
            "--vars", f"{{as_of_date: '{JUNE[20]}'}}",
        )  # fmt: skip
        return done.returncode

    assert unique_test("day") == 0  # tested on 06-10, when it was written
    assert unique_test("all") != 0  # the weekly full check sees every row

"""ERP documents are de-duplicated once, into versions kept as state.

Three ERP files arrive on three days and the models run after each, as the daily runs do:
file 1 brings D1, D2 and D3 (twice in the file: the later row wins), file 2 changes D1 and
re-delivers D2 unchanged, file 3 re-delivers D1 as changed in file 2 and brings D4. The
oracles, by hand: the versions are D1@1 (superseded by file 2), D1@2, D2@1, D3@1 (its second
row) and D4@3; a re-delivery is no version and leaves the standing row untouched (a marker
written into it survives); the incremental state equals a full refresh of the same raw
data; a past as-of date sees the version known that day; invoice keys are parsed once per
version.
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

SELECT = ("--select", "stg_erp__document_versions", "stg_erp__documents", "int_invoice_keys")
VERSIONS = (
    "select document_id, _file_seq, _superseded_by_file_seq, amount, order_id "
    "from staging.stg_erp__document_versions order by all"
)
ARRIVALS = {1: "2025-06-01", 2: "2025-06-10", 3: "2025-06-20"}


def doc(document_id: str, amount: str, file_seq: int, row: int, order_id: str = "") -> dict:
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "customer_id": "C1",
        "issue_date": date(2025, 5, 1),
        "due_date": date(2025, 5, 31),
        "amount": Decimal(amount),
        "currency": "EUR",
        "order_id": order_id or None,
        "_row_number": row,
        "_file_seq": file_seq,
        "_source_file": f"documents_{file_seq}.csv",
    }


FILES = {
    1: [doc("RE-2025-000001", "100.00", 1, 1), doc("RE-2025-000002", "50.00", 1, 2),
        doc("RE-2025-000003", "10.00", 1, 3), doc("RE-2025-000003", "11.00", 1, 4, "PO-3")],
    2: [doc("RE-2025-000001", "90.00", 2, 1), doc("RE-2025-000002", "50.00", 2, 2)],
    3: [doc("RE-2025-000001", "90.00", 3, 1), doc("RE-2025-000004", "40.00", 3, 2)],
}  # fmt: skip


def arrive(con: duckdb.DuckDBPyConnection, file_seq: int) -> None:
    insert(con, "erp__documents", FILES[file_seq])
    known = date.fromisoformat(ARRIVALS[file_seq])
    insert(con, "ingested_files", [{
        "file_seq": file_seq, "source": "erp", "file_name": f"documents_{file_seq}.csv",
        "status": "loaded", "arrival_date": known, "ingested_at": datetime(2025, 6, 1),
    }])  # fmt: skip


def dbt(warehouse: Path, work: Path, as_of: str, *args: str) -> None:
    result = run_dbt(warehouse, work, "run", "--vars", f"{{as_of_date: '{as_of}'}}", *SELECT, *args)
    assert result.returncode == 0, result.stdout[-6000:]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the warehouse built after each of the three files; the same raw data built afresh)."""
    folder = tmp_path_factory.mktemp("versions")
    path = folder / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_raw_schema(con)
        arrive(con, 1)
    dbt(path, folder, "2025-06-01")
    with duckdb.connect(str(path)) as con:
        arrive(con, 2)
        # a marker in D2's standing version: rewriting it would lose the marker
        con.execute(
            "update staging.stg_erp__document_versions set _extra = 'standing' "
            "where document_id = 'RE-2025-000002'"
        )
    dbt(path, folder, "2025-06-10")
    with duckdb.connect(str(path)) as con:
        arrive(con, 3)
    dbt(path, folder, "2025-06-20")
    fresh = folder / "fresh.duckdb"
    shutil.copyfile(path, fresh)
    dbt(fresh, folder / "fresh", "2025-06-20", "--full-refresh")
    return path, fresh


def test_one_version_per_change(built: tuple[Path, Path]):
    incremental, _ = built
    assert rows(incremental, VERSIONS) == [
        ("RE-2025-000001", 1, 2, Decimal("100.00"), None),
        ("RE-2025-000001", 2, None, Decimal("90.00"), None),
        ("RE-2025-000002", 1, None, Decimal("50.00"), None),
        ("RE-2025-000003", 1, None, Decimal("11.00"), "PO-3"),
        ("RE-2025-000004", 3, None, Decimal("40.00"), None),
    ]


def test_a_redelivery_leaves_the_standing_version_alone(built: tuple[Path, Path]):
    incremental, _ = built
    assert rows(
        incremental,
        "select _extra from staging.stg_erp__document_versions "
        "where document_id = 'RE-2025-000002'",
    ) == [("standing",)]


def test_state_equals_a_full_refresh(built: tuple[Path, Path]):
    incremental, fresh = built
    assert rows(incremental, VERSIONS) == rows(fresh, VERSIONS)
    keys = "select * exclude (document_id_upper) from intermediate.int_invoice_keys order by all"
    assert rows(incremental, keys) == rows(fresh, keys)


def test_keys_parsed_once_per_version(built: tuple[Path, Path]):
    incremental, _ = built
    assert rows(
        incremental,
        "select document_id, version_file_seq, order_id_upper, number_key "
        "from intermediate.int_invoice_keys order by all",
    ) == [
        ("RE-2025-000001", 1, None, "2025-1"),
        ("RE-2025-000001", 2, None, "2025-1"),
        ("RE-2025-000002", 1, None, "2025-2"),
        ("RE-2025-000003", 1, "PO-3", "2025-3"),
        ("RE-2025-000004", 3, None, "2025-4"),
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2025-06-05", [("RE-2025-000001", "100.00"), ("RE-2025-000002", "50.00"),
                        ("RE-2025-000003", "11.00")]),
        ("2025-06-20", [("RE-2025-000001", "90.00"), ("RE-2025-000002", "50.00"),
                        ("RE-2025-000003", "11.00"), ("RE-2025-000004", "40.00")]),
    ],
)  # fmt: skip
def test_documents_as_known_on_the_as_of_date(
    built: tuple[Path, Path], tmp_path: Path, as_of: str, expected: list[tuple]
):
    incremental, _ = built
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(incremental, copy)
    result = run_dbt(
        copy, tmp_path, "run", "--vars", f"{{as_of_date: '{as_of}'}}",
        "--select", "stg_erp__documents",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:]
    known = "select document_id, gross_amount::varchar from staging.stg_erp__documents"
    assert rows(copy, known + " order by 1") == expected

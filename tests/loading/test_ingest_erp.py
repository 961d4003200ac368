"""Loading landing files into raw.*: order, idempotency, quarantine, replacement by key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.settings import Settings
from orchestration.loading.files import stage_into_landing
from orchestration.loading.ingest import ingest_source
from orchestration.loading.warehouse import connect

CUSTOMERS = (
    "customer_id,name,customer_type,country,language,currency,email,phone,street,postal_code,"
    "city,vat_id,payment_terms_days,credit_limit,collector,entity\n"
    "C1,Acme GmbH,B2B,DE,de,EUR,,,,,,DE136695976,30,1000.00,Anna,FW01\n"
    "C2,Beta BV,B2B,NL,nl,EUR,,,,,,,14,,Bernd,FW01\n"
)
DOCUMENTS = (
    "document_id,document_type,customer_id,issue_date,due_date,amount,currency,"
    "payment_reference,entity,order_id,description\n"
    "RE-1,invoice,C1,2026-10-01,2026-10-31,119.00,EUR,,FW01,,\n"
    "RE-2,invoice,C2,2026-10-02,2026-10-16,50.00,EUR,,FW01,,\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(settings: Settings, source: str = "erp"):
    with connect(settings) as con:
        return ingest_source(settings, con, source, run_id="test")


def query(settings: Settings, sql: str) -> list[tuple]:
    with connect(settings, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_documents_wait_for_customers_in_the_same_run(settings: Settings, tmp_path: Path):
    # documents arrive first but customers are loaded first, so the references resolve
    docs = write(tmp_path, "documents_2026-10.csv", DOCUMENTS)
    customers = write(tmp_path, "customers.csv", CUSTOMERS)
    stage_into_landing(settings, [docs, customers], "erp")
    report = ingest(settings)
    assert [(f.file_name, f.status, f.rows) for f in report.files] == [
        ("customers.csv", "loaded", 2),
        ("documents_2026-10.csv", "loaded", 2),
    ]
    assert query(settings, "select sum(amount) from raw.erp__documents") == [(Decimal("169.00"),)]
    assert not list(settings.landing("erp").iterdir())
    archived = query(settings, "select archive_path from raw.ingested_files order by file_seq")
    assert all(Path(p).exists() for (p,) in archived)


def test_same_file_twice_is_a_no_op(settings: Settings, tmp_path: Path):
    customers = write(tmp_path, "customers.csv", CUSTOMERS)
    stage_into_landing(settings, [customers], "erp")
    ingest(settings)
    before = query(settings, "select count(*) from raw.ingested_files")
    stage_into_landing(settings, [customers], "erp")
    report = ingest(settings)
    assert [f.status for f in report.files] == ["skipped"]
    assert query(settings, "select count(*) from raw.ingested_files") == before
    assert query(settings, "select count(*) from raw.erp__customers") == [(2,)]


def test_bad_file_is_quarantined_whole_and_stops_nothing_else(settings: Settings, tmp_path: Path):
    bad = write(
        tmp_path, "documents_bad.csv", DOCUMENTS + "RE-3,invoice,C1,2026-13-01,,5.00,EUR,,FW01,,\n"
    )
    good = write(tmp_path, "customers.csv", CUSTOMERS)
    odd = write(tmp_path, "invoices.csv", DOCUMENTS)
    stage_into_landing(settings, [bad, good, odd], "erp")
    report = ingest(settings)
    statuses = {f.file_name: f.status for f in report.files}
    assert statuses == {
        "customers.csv": "loaded",
        "documents_bad.csv": "quarantined",
        "invoices.csv": "quarantined",
    }
    assert query(settings, "select count(*) from raw.erp__documents") == [(0,)]  # no partial rows
    reason = (settings.quarantine_dir / "documents_bad.csv.reason.txt").read_text()
    assert "documents_bad.csv, line 4, field 'issue_date'" in reason
    assert "fits no ERP source" in (settings.quarantine_dir / "invoices.csv.reason.txt").read_text()
    rows = query(
        settings,
        "select file_name, status, error is not null from raw.ingested_files "
        "where status = 'quarantined' order by file_name",
    )
    assert rows == [
        ("documents_bad.csv", "quarantined", True),
        ("invoices.csv", "quarantined", True),
    ]


def test_a_later_extract_replaces_by_key_and_history_stays(settings: Settings, tmp_path: Path):
    first = write(tmp_path, "customers.csv", CUSTOMERS)
    stage_into_landing(settings, [first], "erp")
    ingest(settings)
    delta = write(
        tmp_path,
        "customers_delta.csv",
        CUSTOMERS.splitlines()[0] + "\nC1,Acme GmbH,B2B,DE,de,EUR,,,,,,,30,5000.00,Carla,FW01\n",
    )
    stage_into_landing(settings, [delta], "erp")
    ingest(settings)
    latest = query(
        settings,
        """
        select credit_limit, collector from raw.erp__customers where customer_id = 'C1'
        qualify row_number() over (order by _file_seq desc, _row_number desc) = 1""",
    )
    assert latest == [(Decimal("5000.00"), "Carla")]
    assert query(settings, "select count(*) from raw.erp__customers where customer_id = 'C1'") == [
        (2,)
    ]


def test_delta_without_due_date_column_keeps_the_earlier_due_dates(
    settings: Settings, tmp_path: Path
):
    stage_into_landing(
        settings,
        [write(tmp_path, "customers.csv", CUSTOMERS), write(tmp_path, "documents.csv", DOCUMENTS)],
        "erp",
    )
    ingest(settings)
    delta = write(
        tmp_path,
        "documents_delta.csv",
        "document_id,document_type,customer_id,issue_date,amount,currency,"
        "payment_reference,entity,order_id,description\n"
        "RE-1,invoice,C1,2026-10-01,119.00,EUR,,FW01,,\n",
    )
    stage_into_landing(settings, [delta], "erp")
    report = ingest(settings)
    assert [f.status for f in report.files] == ["quarantined"]
    assert "documents_delta.csv, line 1, field 'due_date'" in (report.files[0].reason or "")
    reason_file = Path(report.files[0].path or "").with_name(
        Path(report.files[0].path or "").name + ".reason.txt"
    )
    assert "due_date" in reason_file.read_text(encoding="utf-8")
    assert query(
        settings,
        "select document_id, due_date::varchar from raw.erp__documents "
        "qualify row_number() over (partition by document_id order by _file_seq desc) = 1 "
        "order by 1",
    ) == [("RE-1", "2026-10-31"), ("RE-2", "2026-10-16")]


def test_an_invalid_vat_id_loads_with_a_warning_on_the_file(settings: Settings, tmp_path: Path):
    """Master data with a VAT id that fails its check digit: the customer loads (as
    given), the file's record carries the warning naming line and field."""
    text = CUSTOMERS.replace("DE136695976", "DE136695977")
    stage_into_landing(settings, [write(tmp_path, "customers.csv", text)], "erp")
    [result] = ingest(settings).files
    assert (result.status, result.rows) == ("loaded", 2)
    assert result.warnings == (
        "customers.csv, line 2, field 'vat_id': 'DE136695977' is not a valid VAT id (The "
        "number's checksum or check digit is invalid.); loaded as given"
    )
    assert query(settings, "select vat_id from raw.erp__customers where customer_id = 'C1'") == [
        ("DE136695977",)
    ]
    assert query(settings, "select warnings from raw.ingested_files") == [(result.warnings,)]

"""Bank files into raw.bank__transactions: no duplicates from overlaps, conflicts refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.settings import Settings
from orchestration.loading.files import stage_into_landing
from tests.conftest import FIXTURES
from tests.loading.test_ingest_erp import ingest, query

V08 = (FIXTURES / "camt" / "camt053_v08_statement.xml").read_text()


def drop(settings: Settings, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    stage_into_landing(settings, [path], "bank")


def test_statement_loads_once(settings: Settings, tmp_path: Path):
    drop(settings, tmp_path, "day1.xml", V08)
    [first] = ingest(settings, "bank").files
    assert (first.status, first.rows, first.duplicate_rows) == ("loaded", 2, 0)
    drop(settings, tmp_path, "day1-copy.xml", V08)
    [again] = ingest(settings, "bank").files
    assert again.status == "skipped"
    rows = query(
        settings,
        "select bank_reference, direction, amount from raw.bank__transactions "
        "order by bank_reference",
    )
    assert rows == [("V08-E3", "debit", Decimal("19.95")), ("V08-T1", "credit", Decimal("99.95"))]


def test_overlapping_statement_adds_only_what_is_new(settings: Settings, tmp_path: Path):
    drop(settings, tmp_path, "day1.xml", V08)
    ingest(settings, "bank")
    # the bank re-sends the same day in a new message (other MsgId), as banks do after errors
    drop(settings, tmp_path, "day1-resent.xml", V08.replace("MSG-V08-0001", "MSG-V08-0002"))
    [resent] = ingest(settings, "bank").files
    assert (resent.status, resent.rows, resent.duplicate_rows) == ("loaded", 0, 2)
    assert query(settings, "select count(*) from raw.bank__transactions") == [(2,)]
    assert query(settings, "select count(*) from raw.bank__statements") == [(1,)]


def test_same_reference_with_other_content_is_a_conflict(settings: Settings, tmp_path: Path):
    drop(settings, tmp_path, "day1.xml", V08)
    ingest(settings, "bank")
    changed = V08.replace("<Ustrd>Order 77</Ustrd>", "<Ustrd>Order 78</Ustrd>")
    drop(settings, tmp_path, "day1-changed.xml", changed)
    [result] = ingest(settings, "bank").files
    assert result.status == "quarantined"
    assert "V08-T1" in result.reason and "day1.xml" in result.reason
    assert query(settings, "select count(*) from raw.bank__transactions") == [(2,)]
    assert (settings.quarantine_dir / "day1-changed.xml.reason.txt").exists()


def test_unbalanced_statement_loads_with_a_warning(settings: Settings, tmp_path: Path):
    drop(
        settings,
        tmp_path,
        "short.xml",
        V08.replace('<Amt Ccy="EUR">280.00</Amt>', '<Amt Ccy="EUR">290.00</Amt>'),
    )
    [result] = ingest(settings, "bank").files
    assert result.status == "loaded" and "does not add up" in result.warnings
    assert query(settings, "select balance_difference from raw.bank__statements") == [
        (Decimal("10.00"),)
    ]
    [(warnings,)] = query(settings, "select warnings from raw.ingested_files")
    assert "short.xml" in warnings


def test_neither_camt_nor_mt940_is_quarantined(settings: Settings, tmp_path: Path):
    drop(settings, tmp_path, "notes.txt", "call the bank tomorrow\n")
    [result] = ingest(settings, "bank").files
    assert result.status == "quarantined"
    assert "neither an ISO 20022 camt.053/054 nor a SWIFT MT940" in result.reason


def test_fragment_without_account_is_quarantined(settings: Settings, tmp_path: Path):
    fragment = ":61:2403040304C119,00NTRFNONREF//B1\n:86:166?00GUTSCHRIFT?20RE-2024-0001\n"
    drop(settings, tmp_path, "fragment.sta", fragment)
    [result] = ingest(settings, "bank").files
    assert result.status == "quarantined"
    assert "names no account" in result.reason


def _ingest_sample_batch(settings: Settings, tmp_path: Path, monkeypatch, workers: str):
    """The ten largest sample statements, a copy of one, and a broken file, in one run."""
    monkeypatch.setenv("FORDERWERK_INGEST_WORKERS", workers)
    bank = Path(__file__).parents[2] / "seeds/sample/landing/bank"
    sample = sorted(bank.glob("camt053_*"), key=lambda p: (-p.stat().st_size, p.name))
    batch = tmp_path / workers
    batch.mkdir()
    for path in sample[:10]:
        (batch / path.name).write_bytes(path.read_bytes())
    (batch / "zz-copy.xml").write_bytes(sample[0].read_bytes())
    (batch / "zz-broken.xml").write_text(V08.replace("</Ntry>", "", 1), encoding="utf-8")
    stage_into_landing(settings, sorted(batch.iterdir()), "bank")
    report = ingest(settings, "bank")
    rows = query(
        settings,
        "select account_iban, bank_reference, amount, content_key from raw.bank__transactions "
        "order by all",
    )
    return [(f.file_name, f.status, f.rows, f.reason) for f in report.files], rows


def test_parsing_ahead_in_workers_loads_exactly_what_the_loader_alone_does(
    tmp_path: Path, monkeypatch
):
    """Same files, statuses, quarantine reasons and rows with two parse workers as without."""
    from core.settings import load_settings

    results = []
    for workers in ("0", "2"):
        s = load_settings({"FORDERWERK_HOME": str(tmp_path / f"home{workers}")})
        s.ensure_workspace()
        results.append(_ingest_sample_batch(s, tmp_path, monkeypatch, workers))
    (files_alone, rows_alone), (files_ahead, rows_ahead) = results
    assert files_ahead == files_alone
    assert rows_ahead == rows_alone and len(rows_alone) > 10
    statuses = [status for _, status, _, _ in files_alone]
    assert statuses.count("loaded") == 10
    assert statuses[-2:] == ["quarantined", "skipped"]  # zz-broken before zz-copy


def test_workers_parse_good_files_and_leave_broken_ones_to_the_loader(tmp_path: Path, monkeypatch):
    from orchestration.loading.parse_ahead import parsed_ahead

    monkeypatch.setenv("FORDERWERK_INGEST_WORKERS", "2")
    paths = []
    for n in range(9):
        path = tmp_path / f"day{n}.xml"
        path.write_text(V08 if n != 4 else "not a statement", encoding="utf-8")
        paths.append(path)
    with parsed_ahead(paths) as ahead:
        parsed = [ahead.take(p) for p in paths]
    assert [p is None for p in parsed] == [n == 4 for n in range(9)]
    assert [len(p.transactions) for p in parsed if p] == [2] * 8


def test_a_file_over_its_source_limit_is_quarantined_unread(settings: Settings, tmp_path: Path):
    """A bank file larger than the limit (1 MB here) is not parsed, not even ahead in a
    worker: quarantined with its size, the limit and the setting that raises it. Under
    the limit the same kind of file loads."""
    from dataclasses import replace

    from core.settings import load_settings

    small = replace(settings, max_file_mb=(("erp", 1), ("bank", 1), ("bureau", 1), ("ops", 1)))
    padding = "<!-- " + "x" * (1024 * 1024) + " -->\n"
    drop(small, tmp_path, "big.xml", V08.replace("<Document", padding + "<Document", 1))
    drop(small, tmp_path, "day1.xml", V08)
    big, day1 = ingest(small, "bank").files
    assert (big.status, day1.status) == ("quarantined", "loaded")
    assert big.reason == (
        "the file has 1.0 MB, more than the 1 MB a bank file may have; it was not read. "
        "Split it, or raise the limit with FORDERWERK_MAX_FILE_MB_BANK if the machine has "
        "the memory (a file is parsed in memory: about 12 times its size for a bank statement)"
    )
    [(status, size)] = query(
        settings, "select status, size_bytes from raw.ingested_files where file_name = 'big.xml'"
    )
    assert status == "quarantined" and size > 1024 * 1024
    assert (settings.quarantine_dir / "big.xml").exists()
    env = {"FORDERWERK_HOME": str(tmp_path), "FORDERWERK_MAX_FILE_MB_BANK": "300"}
    assert load_settings(env).max_file_bytes("bank") == 300 * 1024 * 1024
    assert load_settings(env).max_file_bytes("erp") == 1024 * 1024 * 1024

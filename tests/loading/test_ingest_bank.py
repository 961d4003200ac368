"""Bank files into raw.bank__transactions: no duplicates from overlaps, conflicts refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from orchestration.loading.files import stage_into_landing
from orchestration.settings import Settings
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

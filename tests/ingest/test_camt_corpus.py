"""camt parser against the shared corpus of real-world sample files (../shared/corpus).

The manifest's figures come from an independent reference that counts every Ntry and sums
entry amounts; it does not check balances or IBANs. Six of its 'ok' files are samples from
other parsers' test suites with made-up account IBANs or balances that do not add up.
Forderwerk loads those with a warning per contradiction (and refuses them in strict mode);
here each must carry exactly the listed warnings, be refused for them when strict, and
match the manifest's figures.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.ingest.bank_model import ParsedBankFile
from orchestration.ingest.camt import looks_like_camt, parse_camt
from orchestration.ingest.errors import IngestError
from tests.conftest import corpus_root

#: 'ok' files that contradict themselves, with the fields of the warnings they get.
#: Figures as found (opening + credits - debits vs closing):
KNOWN_INCONSISTENT: dict[str, set[str]] = {
    # account IBAN CH1111000000123456789: invalid checksum
    "camt/oca__test-camt053-txdtls.xml": {"IBAN"},
    # OPBD 15568.27 + 1405.31 - 1418.30 = 15555.28, CLBD 15121.12 (EUR)
    "camt/oca__test-camt053.xml": {"Bal"},
    # account IBAN CH1111111111111111111 invalid; a EUR 20.97 entry against CHF balances
    # (OPBD 82721.95, CLBD 84515.25; 82721.95 + 563.25 - 20.97 = 83264.23 even ignoring currency)
    "camt/viafintech__053__valid_example_v8.xml": {"IBAN", "Ccy"},
    # account IBAN NL18INGB00012345678 (19 chars, NL needs 18);
    # OPBD 7329.80 + 7688.00 - 4753.74 = 10264.06, CLBD 23038.20 (an excerpt of 35 entries)
    "camt/viafintech__053__valid_example_with_batch.xml": {"IBAN", "Bal"},
    # PRCD -33.06 (DBIT) + 1.00 - 11.00 = -43.06, CLBD 23.06 (EUR)
    "camt/viafintech__053__valid_example_with_debit.xml": {"Bal"},
    # account IBAN CH9788761065025111111 invalid; OPBD 100 + 4500.00 = 4600.00, CLBD 4500.00
    "camt/viafintech__053__valid_example_with_instdamt.xml": {"IBAN", "Bal"},
}


def _camt_names() -> list[str]:
    """The manifest's camt entries, read at collection time so each file is its own test."""
    manifest = corpus_root() / "manifest.json"
    if not manifest.exists():
        return ["camt/<corpus absent>"]  # the corpus fixture skips it
    files = json.loads(manifest.read_text())["files"]
    return sorted(name for name in files if name.startswith("camt/"))


def _check_figures(parsed: ParsedBankFile, expected: dict) -> None:
    statements = parsed.statements
    assert len(statements) == expected["statements"]
    assert sum(s.entries for s in statements) == expected["entries"]
    assert sum((s.credit_total for s in statements), Decimal(0)) == Decimal(
        expected["credit_total"]
    )
    assert sum((s.debit_total for s in statements), Decimal(0)) == Decimal(expected["debit_total"])
    assert {t.currency for t in parsed.transactions} == set(expected["currencies"])
    references = [t.bank_reference for t in parsed.transactions]
    assert len(set(references)) == len(references)
    assert all(t.source_format == expected["format"] for t in parsed.transactions)


@pytest.mark.corpus
@pytest.mark.parametrize("name", _camt_names())
def test_corpus_file(name: str, corpus: tuple[Path, dict]) -> None:
    root, files = corpus
    expected = files[name]
    data = (root / name).read_bytes()
    assert looks_like_camt(data)
    file_name = Path(name).name
    if expected["expect"] == "reject":
        with pytest.raises(IngestError) as excinfo:
            parse_camt(data, file_name)
        assert all(issue.message for issue in excinfo.value.issues)
        return
    parsed = parse_camt(data, file_name)
    assert {w.field for w in parsed.warnings} == KNOWN_INCONSISTENT.get(name, set())
    if name in KNOWN_INCONSISTENT:
        with pytest.raises(IngestError) as excinfo:
            parse_camt(data, file_name, strict=True)
        assert {issue.field for issue in excinfo.value.issues} == KNOWN_INCONSISTENT[name]
    _check_figures(parsed, expected)


@pytest.mark.corpus
def test_known_inconsistent_files_are_ok_files_of_the_manifest(
    corpus: tuple[Path, dict],
) -> None:
    _, files = corpus
    for name in KNOWN_INCONSISTENT:
        assert files[name]["expect"] == "ok", name

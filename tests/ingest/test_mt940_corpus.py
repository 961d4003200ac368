"""Conformance against the shared corpus: every ``mt940/*`` file of the manifest.

``ok`` files must parse with the manifest's entry count, credit and debit totals (mt-940's
default signs: only a plain ``D`` is a debit) and currencies; ``reject`` files must be refused.

Many ``ok`` files are snippets cut out of third-party test suites: their balances do not add
up, or their account IBAN is made up. They load with warnings (DESIGN: a self-contradicting
statement is loaded and flagged), and ``strict=True`` refuses them. Each such warning is
listed below with the figures, so a parser change that hides or invents one fails here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.ingest.bank_model import ParsedBankFile
from orchestration.ingest.errors import IngestError
from orchestration.ingest.mt940 import looks_like_mt940, parse_mt940
from tests.conftest import corpus_root

_PREFIX = "mt940/"

#: file -> [(location, what the warning says)], checked against closing - expected balance.
KNOWN_DOUBTS: dict[str, list[tuple[str, str]]] = {
    "mt940/wolph_mt940__betterplace__sepa_snippet.sta": [
        ("statement 2, :62F: line 55", "(difference 300.08) EUR"),
    ],
    "mt940/wolph_mt940__betterplace__sepa_snippet_broken.sta": [
        # The :86: of its only :61: is tagged :25: by mistake.
        ("statement 1, :25: line 6", "a second account identification"),
        ("statement 1, :62F: line 10", "(difference 307603.86) EUR"),
    ],
    "mt940/wolph_mt940__jejik__abnamro.sta": [
        ("statement 1, :62F: line 27", "(difference -2038.00) EUR"),
        ("statement 2, :62M: line 40", "(difference -1002.60) EUR"),
    ],
    "mt940/wolph_mt940__jejik__ing.sta": [
        ("statement 1, :62F: line 26", "(difference 49.06) EUR"),
    ],
    "mt940/wolph_mt940__jejik__knab.sta": [
        ("statement 2, :62F: line 20", "(difference 4500.00) EUR"),
    ],
    "mt940/wolph_mt940__jejik__postfinance.sta": [
        ("statement 2, :62F: line 27", "(difference 0.20) CHF"),
    ],
    "mt940/wolph_mt940__jejik__rabobank-iban.sta": [
        ("statement 1, :25: line 3", "'NL71RABO0123456789' is not a valid IBAN"),
        ("statement 2, :25: line 15", "'NL71RABO0123456789' is not a valid IBAN"),
    ],
    "mt940/wolph_mt940__jejik__rabobank.sta": [
        ("statement 1, :62F: line 11", "(difference 1135.93) EUR"),
        ("statement 3, :62F: line 28", "(difference 236.56) EUR"),
    ],
    "mt940/wolph_mt940__jejik__triodos.sta": [
        ("statement 1, :62F: line 12", "(difference 111.40) EUR"),
    ],
    "mt940/wolph_mt940__mBank__with_newline_in_tnr.sta": [
        ("statement 1, :62F: line 19", "(difference 770.71) PLN"),
    ],
    "mt940/wolph_mt940__self-provided__details_60-63.sta": [
        ("statement 1, :62F: line 12", "(difference 234.01) EUR"),
    ],
    "mt940/wolph_mt940__self-provided__gv_codes.sta": [
        # an opening balance, two entries, then the file ends: maybe cut off
        ("statement 1, :20: line 1", "no closing balance (:62F:/:62M:)"),
    ],
    "mt940/wolph_mt940__self-provided__malformed_details.sta": [
        ("statement 1, :62F: line 15", "(difference 234.01) EUR"),
    ],
    "mt940/wolph_mt940__self-provided__overly_long_details.sta": [
        ("statement 1, :62F: line 15", "(difference 234.01) EUR"),
    ],
    "mt940/wolph_mt940__self-provided__raiffeisen-cmi.sta": [
        ("statement 1, :62F: line 40", "(difference 1123264.00) HUF"),
    ],
    "mt940/wolph_mt940__self-provided__whitespace.sta": [
        ("statement 1, :62F: line 9", "(difference 234.01) EUR"),
    ],
}


def _names(prefix: str) -> list[str]:
    """Manifest entries under ``prefix``, read at collection time (none: nothing collected)."""
    import json

    manifest = corpus_root() / "manifest.json"
    if not manifest.exists():
        return []
    return sorted(n for n in json.loads(manifest.read_text())["files"] if n.startswith(prefix))


def _check_figures(parsed: ParsedBankFile, expected: dict) -> None:
    statements = parsed.statements
    assert sum(s.entries for s in statements) == expected["entries"]
    assert len(parsed.transactions) == expected["entries"]
    credit = sum((s.credit_total for s in statements), Decimal(0))
    debit = sum((s.debit_total for s in statements), Decimal(0))
    assert credit == Decimal(expected["credit_total"])
    assert debit == Decimal(expected["debit_total"])
    currencies = sorted({t.currency for t in parsed.transactions if t.currency})
    assert currencies == sorted(expected["currencies"])
    keys = [(t.account_iban, t.bank_reference) for t in parsed.transactions]
    assert len(set(keys)) == len(keys)
    assert all(t.source_format == "mt940" and t.amount >= 0 for t in parsed.transactions)


@pytest.mark.corpus
@pytest.mark.parametrize("name", _names(_PREFIX))
def test_corpus_file(name: str, corpus: tuple[Path, dict]) -> None:
    root, files = corpus
    expected = files[name]
    data = (root / name).read_bytes()
    file_name = Path(name).name
    if expected["expect"] == "reject":
        for strict in (False, True):
            with pytest.raises(IngestError) as excinfo:
                parse_mt940(data, file_name, strict=strict)
            assert all(issue.message for issue in excinfo.value.issues)
        return
    assert looks_like_mt940(data)
    parsed = parse_mt940(data, file_name)
    _check_figures(parsed, expected)
    doubts = KNOWN_DOUBTS.get(name, [])
    assert [w.location for w in parsed.warnings] == [location for location, _ in doubts]
    for warning, (_, says) in zip(parsed.warnings, doubts, strict=True):
        assert says in warning.message
    if doubts:
        with pytest.raises(IngestError) as excinfo:
            parse_mt940(data, file_name, strict=True)
        assert [i.location for i in excinfo.value.issues] == [loc for loc, _ in doubts]
    else:
        assert parse_mt940(data, file_name, strict=True).transactions == parsed.transactions


@pytest.mark.corpus
def test_known_doubts_are_ok_files_of_the_manifest(corpus: tuple[Path, dict]) -> None:
    _, files = corpus
    for name in KNOWN_DOUBTS:
        assert files[name]["expect"] == "ok", name


@pytest.mark.corpus
@pytest.mark.parametrize("name", [n for n in _names("") if not n.startswith(_PREFIX)])
def test_other_bank_files_are_not_taken_for_mt940(name: str, corpus: tuple[Path, dict]) -> None:
    root, _ = corpus
    assert not looks_like_mt940((root / name).read_bytes())

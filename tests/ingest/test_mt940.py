"""MT940 with the German :86: structure: hand-written files, expectations computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from orchestration.ingest.bank_model import BankTransaction, ParsedBankFile
from orchestration.ingest.errors import IngestError
from orchestration.ingest.mt940 import account_iban, decode, looks_like_mt940, parse_mt940
from orchestration.ingest.mt940_details import (
    continues_word,
    find_creditor_reference,
    join_wrapped,
    parse_details,
)
from tests.conftest import FIXTURES

MT940 = FIXTURES / "mt940"


def fixture(name: str) -> bytes:
    return (MT940 / name).read_bytes()


def parse_fixture(name: str, **kwargs: bool) -> ParsedBankFile:
    return parse_mt940(fixture(name), name, **kwargs)


def one_statement(*lines: str, account: str = "DE89370400440532013000") -> bytes:
    """A single statement around ``lines`` (the :61:/:86: part)."""
    head = [":20:STARTUMS", f":25:{account}", ":28C:1/1"]
    return "\n".join([*head, *lines, "-"]).encode()


def locations(exc: pytest.ExceptionInfo[IngestError]) -> list[tuple[str, str]]:
    return [(issue.location, issue.field) for issue in exc.value.issues]


# --------------------------------------------------------------------------- Sparkasse file


@pytest.fixture(scope="module")
def sparkasse() -> ParsedBankFile:
    return parse_fixture("sparkasse_two_statements.sta")


def tx(parsed: ParsedBankFile, statement: str, index: int) -> BankTransaction:
    return next(
        t for t in parsed.transactions if t.statement_id == statement and t.entry_index == index
    )


def test_two_statements_with_balances_and_totals(sparkasse: ParsedBankFile) -> None:
    first, second = sparkasse.statements
    assert (first.account_iban, first.statement_id, first.currency) == (
        "DE89370400440532013000", "00001/001", "EUR",
    )  # fmt: skip
    assert first.opening_balance == Decimal("1000.00")
    assert first.closing_balance == Decimal("1934.66")
    assert (first.opening_date, first.closing_date) == (date(2023, 12, 28), date(2023, 12, 29))
    assert first.entries == 3
    assert first.credit_total == Decimal("1234.56")
    assert first.debit_total == Decimal("299.90")  # 49.90 + 250.00
    assert first.balance_difference == Decimal("0.00")
    assert second.statement_id == "00002/001"
    assert (second.opening_balance, second.closing_balance) == (
        Decimal("1934.66"), Decimal("2334.66"),
    )  # fmt: skip
    # 1934.66 + 500.00 - 100.00 (the RC reversal moves money out) = 2334.66 ...
    assert second.balance_difference == Decimal("0.00")
    # ... but the totals follow the corpus manifest (mt-940's default signs): RC is a credit.
    assert (second.credit_total, second.debit_total) == (Decimal("600.00"), Decimal("0"))
    assert second.entries == 2
    assert sparkasse.warnings == []
    assert len(sparkasse.transactions) == 5
    assert {t.source_format for t in sparkasse.transactions} == {"mt940"}
    assert {t.tx_index for t in sparkasse.transactions} == {1}


def test_sepa_credit_with_subfields_wrapped_across_lines(sparkasse: ParsedBankFile) -> None:
    t = tx(sparkasse, "00001/001", 1)
    assert t.account_iban == "DE89370400440532013000"
    assert (t.booking_date, t.value_date) == (date(2023, 12, 28), date(2023, 12, 28))
    assert t.amount == Decimal("1234.56")
    assert (t.currency, t.direction, t.is_return) == ("EUR", "credit", False)
    # EREF+ runs over ?20 (full, cut mid-word) and ?21; the line break falls inside "?2|3".
    assert t.end_to_end_id == "RE-2023-0815-ACME-INDUSTRIEBEDARF"
    assert t.remittance_text == (
        "Rechnungsnummer RE-2023-0815 vom 01.12.2023, Kundennummer 4711, RF18 5390 0754 7034"
    )
    assert t.structured_reference == "RF18539007547034"
    assert t.counterparty_name == "ACME Industriebedarf Handelsgesellschaft mbH"
    assert t.counterparty_iban == "DE44500105175407324931"
    assert t.bank_tx_code == "166"
    assert t.return_reason is None
    assert t.entry_ref == t.bank_reference == "B3L281234567890"


def test_sepa_direct_debit_without_end_to_end_id(sparkasse: ParsedBankFile) -> None:
    t = tx(sparkasse, "00001/001", 2)
    assert (t.amount, t.direction, t.is_return) == (Decimal("49.90"), "debit", False)
    assert t.end_to_end_id is None  # EREF+NOTPROVIDED
    assert t.remittance_text == "Mobilfunk Dezember 2023"
    assert t.counterparty_name == "Telco Mobil GmbH"
    assert t.counterparty_iban == "DE02120300000000202051"
    assert t.bank_tx_code == "105"
    assert t.entry_ref is None  # no //bank reference: a reference derived from the content
    assert t.bank_reference.startswith("D:") and t.bank_reference.endswith(":1")


def test_returned_direct_debit_gvc_109(sparkasse: ParsedBankFile) -> None:
    t = tx(sparkasse, "00001/001", 3)
    assert (t.amount, t.direction, t.is_return) == (Decimal("250.00"), "debit", True)
    assert t.bank_tx_code == "109"
    assert t.return_reason == "SEPA-RUECKLASTSCHRIFT (912)"
    assert t.end_to_end_id == "INV-2023-1001"
    assert t.remittance_text == "Rueckgabe der Lastschrift INV-2023-1001"
    assert t.counterparty_name == "Erika Mustermann"
    assert t.counterparty_iban == "DE12500105170648489890"


def test_entry_date_in_the_new_year(sparkasse: ParsedBankFile) -> None:
    t = tx(sparkasse, "00002/001", 1)  # :61:2312310102...
    assert t.value_date == date(2023, 12, 31)
    assert t.booking_date == date(2024, 1, 2)
    assert t.end_to_end_id is None
    assert t.remittance_text == "Abschlag Januar 2024"
    assert t.counterparty_name == "Hans Meier"
    assert t.counterparty_iban == "DE34200505501234567890"


def test_reversal_of_a_credit(sparkasse: ParsedBankFile) -> None:
    t = tx(sparkasse, "00002/001", 2)  # RC100,00
    assert (t.amount, t.direction, t.is_return) == (Decimal("100.00"), "debit", True)
    assert t.return_reason == "STORNO GUTSCHRIFT"
    assert t.remittance_text == "Storno Gutschrift vom 28.12.2023"
    assert t.counterparty_iban is None


def test_bank_references_unique_and_stable_across_parses() -> None:
    first = parse_fixture("sparkasse_two_statements.sta")
    second = parse_fixture("sparkasse_two_statements.sta")
    references = [t.bank_reference for t in first.transactions]
    assert references == [t.bank_reference for t in second.transactions]
    assert len(set(references)) == len(references)
    assert references[0] == "B3L281234567890"
    assert first.transactions == second.transactions


def test_repeated_bank_reference_is_told_apart() -> None:
    data = one_statement(
        ":60F:C240301EUR0,00",
        ":61:2403010301CR1,00NTRFNONREF//SAME",
        ":61:2403010301CR2,00NTRFNONREF//SAME",
        ":62F:C240301EUR3,00",
    )
    parsed = parse_mt940(data, "same.sta")
    assert [t.bank_reference for t in parsed.transactions] == ["SAME", "SAME#2"]


# --------------------------------------------------------------------------- Windows-1252


def test_windows_1252_file_with_umlauts() -> None:
    raw = fixture("volksbank_cp1252.sta")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    parsed = parse_mt940(raw, "volksbank_cp1252.sta")
    (statement,) = parsed.statements
    assert statement.account_iban == "50010517/0123456789"  # BLZ/Konto, kept as given
    assert statement.opening_balance == Decimal("-150.00")
    assert statement.closing_balance == Decimal("-71.50")  # -150.00 + 99.00 - 20.50
    assert statement.balance_difference == Decimal("0.00")
    credit, fee = parsed.transactions
    assert credit.counterparty_name == "Jürgen Müller-Lüdenscheidt"
    assert credit.remittance_text == "Rechnung 4711 über 99,00 € Kundennr. 0815"
    assert credit.counterparty_iban is None  # ?31 is an account number, not an IBAN
    # :61:2401021231: the entry date lies in the old year.
    assert (credit.value_date, credit.booking_date) == (date(2024, 1, 2), date(2023, 12, 31))
    assert credit.bank_tx_code == "051"
    # Pre-SEPA text: a full ?20 cut between capitals continues the word, ?21 ends a line.
    assert fee.remittance_text == (
        "KONTOFUEHRUNGSENTGELT DEZEMBER 2023 Buchungsposten gemäß Preis- und Leistungsverzeichnis"
    )
    assert (fee.amount, fee.direction, fee.bank_tx_code) == (Decimal("20.50"), "debit", "805")


def test_decode_prefers_utf8_then_cp1252_then_latin1() -> None:
    assert decode("Müller".encode()) == "Müller"
    assert decode("Müller €".encode("cp1252")) == "Müller €"
    assert decode(b"M\xfcller \x81") == "Müller "  # 0x81 is no cp1252 character: Latin-1
    assert decode(b"\xef\xbb\xbf:20:X\x00\x01\r\n") == ":20:X\r\n"


def test_stray_binary_characters_do_not_matter() -> None:
    clean = fixture("sparkasse_two_statements.sta")
    noisy = b"\x01" + clean.replace(b"GUTSCHR.", b"GUT\x00SCHR.", 1) + b"\x03"
    assert parse_mt940(noisy, "noisy.sta").transactions == parse_mt940(clean, "c").transactions


# --------------------------------------------------------------------------- refusals and doubts


def test_balance_mismatch_is_a_warning_and_refused_when_strict() -> None:
    parsed = parse_fixture("balance_mismatch.sta")
    assert [s.balance_difference for s in parsed.statements] == [Decimal("0.00"), Decimal("-0.01")]
    (warning,) = parsed.warnings
    assert (warning.location, warning.field) == ("statement 2, :62F: line 16", ":62F:")
    assert warning.message == (
        "statement does not add up: opening balance 510.00 + credits 25.25 - debits 100.00 = "
        "435.25, but the closing balance is 435.24 (difference -0.01) EUR"
    )
    with pytest.raises(IngestError) as exc:
        parse_fixture("balance_mismatch.sta", strict=True)
    assert locations(exc) == [("statement 2, :62F: line 16", ":62F:")]


def test_bad_account_iban_is_a_warning_and_refused_when_strict() -> None:
    parsed = parse_fixture("bad_account_iban.sta")
    assert parsed.transactions[0].account_iban == "DE89370400440532013001"
    (warning,) = parsed.warnings
    assert (warning.location, warning.field) == ("statement 1, :25: line 2", ":25:")
    assert "is not a valid IBAN" in warning.message
    with pytest.raises(IngestError) as exc:
        parse_fixture("bad_account_iban.sta", strict=True)
    assert locations(exc) == [("statement 1, :25: line 2", ":25:")]


@pytest.mark.parametrize(
    ("data", "sniffed", "reason"),
    [
        (b"", False, "empty"),
        (b"  \r\n\r\n", False, "empty"),
        (b"1\n2\n3\n4\n5\n", False, "not an MT940 statement"),
        (b"customer_id,name\nC1,Acme\n", False, "not an MT940 statement"),
        (b'<?xml version="1.0"?><Document/>', False, "not an MT940 statement"),
        # The sniff is generous, so that such a file gets this clear reason:
        (b":86:only details\n:62F:C240301EUR1,00\n", True, "not an MT940 statement"),
    ],
)
def test_not_mt940_is_refused(data: bytes, sniffed: bool, reason: str) -> None:
    assert looks_like_mt940(data) is sniffed
    with pytest.raises(IngestError) as exc:
        parse_mt940(data, "x.sta")
    (issue,) = exc.value.issues
    assert (issue.file, issue.location) == ("x.sta", "")
    assert reason in issue.message


def test_looks_like_mt940() -> None:
    assert looks_like_mt940(fixture("sparkasse_two_statements.sta"))
    assert looks_like_mt940(fixture("volksbank_cp1252.sta"))
    assert looks_like_mt940(b"{1:F01BANKDEFFAXXX0000000000}{2:O940}{4:\r\n:20:X\r\n-}")
    assert looks_like_mt940(b"0000 01INGBNL2AXXXX00001\n940 00\n:20:MPBZ\n:25:0001234567\n")


def test_unreadable_lines_are_refused_with_their_location() -> None:
    data = one_statement(
        ":60F:C240301EUR0,00",
        ":61:2413010301CR10,00NTRFNONREF",  # month 13
        ":61:2403010301CR1,234NTRFNONREF",  # three decimals
        ":61:not a statement line",
        ":62F:C240301EUR10,00",
    )
    with pytest.raises(IngestError) as exc:
        parse_mt940(data, "bad.sta")
    assert locations(exc) == [
        ("statement 1, :61: line 5", ":61:"),
        ("statement 1, :61: line 6", ":61:"),
        ("statement 1, :61: line 7", ":61:"),
    ]
    assert "more than 2 decimals" in exc.value.issues[1].message


def test_bad_balances_are_refused() -> None:
    data = one_statement(":60F:C240301XYZ0,00", ":62F:C240231EUR0,00", ":64:garbage")
    with pytest.raises(IngestError) as exc:
        parse_mt940(data, "bad.sta")
    assert locations(exc) == [
        ("statement 1, :60F: line 4", ":60F:"),
        ("statement 1, :62F: line 5", ":62F:"),
    ]
    assert "'XYZ' is not an ISO 4217 currency" in exc.value.issues[0].message


def test_february_30_is_clamped_like_the_library_does() -> None:
    data = one_statement(
        ":60F:C160229EUR1200,00",
        ":61:1602300301DR6,00N024NONREF",
        ":86:805?00ENTGELTABSCHLUSS?106666?20Pauschalen",
        ":62F:C160301EUR1194,00",
    )
    (t,) = parse_mt940(data, "feb.sta").transactions
    assert (t.value_date, t.booking_date) == (date(2016, 2, 29), date(2016, 3, 1))
    assert t.remittance_text == "Pauschalen"


def test_balance_without_currency_takes_the_statements() -> None:
    data = one_statement(
        ":60F:C020315DEM0,00",
        ":61:020322CM20000,00S051",
        ":62M:C020315020000,00",  # no currency: date 020315, amount 20000,00
    )
    parsed = parse_mt940(data, "dem.sta")
    (statement,) = parsed.statements
    assert (statement.currency, statement.closing_balance) == ("DEM", Decimal("20000.00"))
    assert statement.balance_difference == Decimal("0.00")
    assert parsed.transactions[0].currency == "DEM"


def test_fragment_without_statement_header_is_read() -> None:
    data = b":61:1811261126CR\n30,00N062NONREF\n:\n86:166?00GUTSCHR. UEBERWEISUNG?20SVWZ+Test\n"
    parsed = parse_mt940(data, "fragment.sta")
    (t,) = parsed.transactions
    assert (t.account_iban, t.statement_id, t.currency) == ("", "", "")
    assert (t.amount, t.direction, t.remittance_text) == (Decimal("30.00"), "credit", "Test")
    assert parsed.statements[0].currency is None


def test_statement_level_details_are_not_loaded() -> None:
    data = one_statement(
        ":60F:C100722EUR0,00",
        ":61:100722C3,47NTRFNONREF",
        ":86:0111111111 Hr S Marechal",
        "ROSMALEN",
        ":62F:C100723EUR3,47",
        ":86:D000004C000002D25,24C28,71",
    )
    (t,) = parse_mt940(data, "ing.sta").transactions
    assert t.remittance_text == "0111111111 Hr S Marechal ROSMALEN"
    assert t.bank_tx_code == "NTRF"


def test_unknown_tag_inside_details_is_text() -> None:
    data = one_statement(
        ":60F:C160229EUR1200,00",
        ":61:1602290229DR6,00N024NONREF",
        ":86:106?20SVWZ+Buchung 12-09-2014T16",
        ":26:37 Folgenr. 007",
        ":62F:C160229EUR1194,00",
    )
    (t,) = parse_mt940(data, "ts.sta").transactions
    assert t.remittance_text == "Buchung 12-09-2014T16:26:37 Folgenr. 007"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DE89370400440532013000", ("DE89370400440532013000", None)),
        ("DE89 3704 0044 0532 0130 00", ("DE89370400440532013000", None)),
        ("DE89370400440532013000/EUR", ("DE89370400440532013000", None)),
        ("COBADEFFXXX/DE89370400440532013000", ("DE89370400440532013000", None)),
        ("NL69INGB0123456789EUR", ("NL69INGB0123456789", None)),
        ("50010517/0123456789", (None, None)),
        ("TRIODOSBANK/0390123456", (None, None)),
        ("UBRTHUHB/123456789150ABCDEF002/HUF", (None, None)),
    ],
)
def test_account_identification_forms(raw: str, expected: tuple[str | None, None]) -> None:
    assert account_iban(raw) == expected


def test_account_iban_with_bad_checksum_is_a_problem() -> None:
    iban, problem = account_iban("NL71RABO0123456789")
    assert iban is None and problem and "Invalid checksum" in problem


# --------------------------------------------------------------------------- :86: details


def test_details_with_another_separator_and_a_wrapped_marker() -> None:
    details = parse_details(["000>100987654321", ">20ALGEMENE TUSSENREKENING KOS>2", "1TEN"])
    assert details.gvc == "000"
    assert details.prima_nota == "0987654321"
    assert details.remittance_text == "ALGEMENE TUSSENREKENING KOSTEN"


def test_identifier_ends_with_its_subfield() -> None:
    details = parse_details(
        ["159?00RETOURE?20EREF+TFNR 40001 00005?21MTLG:Grund nicht s", "pezifiziert?34914"]
    )
    assert details.end_to_end_id == "TFNR 40001 00005"
    assert details.remittance_text == "EREF+TFNR 40001 00005 MTLG:Grund nicht spezifiziert"
    assert (details.posting_text, details.text_key_extension) == ("RETOURE", "914")


def test_keyword_cut_across_subfields() -> None:
    details = parse_details(
        ["105?20MREF+ 12AB234CD6E7F CRED+ A?21B12CDE0000000000000000034 S?22VWZ+ Beitrag 2024"]
    )
    assert details.keywords["CRED"].strip() == "AB12CDE0000000000000000034"
    assert details.remittance_text == "Beitrag 2024"


def test_plain_text_details_are_the_remittance() -> None:
    details = parse_details(["HIER EEN OMSCHRIJVING", "WANT DAT IS ZO"])
    assert (details.gvc, details.structured) == (None, False)
    assert details.remittance_text == "HIER EEN OMSCHRIJVING WANT DAT IS ZO"
    assert parse_details(["999PN5477SCHECK-NR. 0000016703074"]).gvc == "999"


def test_wrapped_words() -> None:
    assert continues_word("ERSTATTUNG AUSLANDSEINSATZE", "NTGELT", 27)
    assert not continues_word("Erstellungsdatum:19.03.2010", "Anzahl", 27)
    assert not continues_word("Zahlung fuer unsere Rechnung", "Nr 4711", 27)
    assert not continues_word("Miete", "November", 27)
    assert join_wrapped(["Miete", "November"], 27) == "Miete November"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invoice RF18 5390 0754 7034 paid", "RF18539007547034"),
        ("RF18539007547034", "RF18539007547034"),
        ("ref rf712348231.", "RF712348231"),
        ("RF19 5390 0754 7034", None),  # wrong check digits
        ("XRF18539007547034", None),  # inside a word
        (None, None),
    ],
)
def test_creditor_reference(text: str | None, expected: str | None) -> None:
    assert find_creditor_reference(text) == expected


def test_free_text_that_looks_like_a_gvc_stays_free_text() -> None:
    details = parse_details(["100,00 EUR Miete Maerz"])
    assert (details.structured, details.remittance_text) == (False, "100,00 EUR Miete Maerz")


def test_statement_id_is_the_number_or_the_reference_when_unnumbered() -> None:
    data = b":20:940A110615\n:25:123\n:28:00000/00\n:60F:C110614EUR1,00\n:62F:C110615EUR1,00\n"
    (statement,) = parse_mt940(data, "rabo.sta").statements
    assert (statement.statement_id, statement.entries) == ("940A110615", 0)
    assert statement.credit_total == statement.debit_total == Decimal("0")


# --------------------------------------------------------------------------- real-world damage

HEADER = "{1:F01BANKDEFFAXXX0000000000}{2:O9401200261030BANKDEFFXXXX00000000002610301200N}{4:"


def framed(*messages: list[str]) -> bytes:
    """SWIFT FIN messages: basic and application header, block 4, closed by ``-}``."""
    return "\n".join(f"{HEADER}\n" + "\n".join(lines) + "\n-}" for lines in messages).encode()


def statement(number: int, opening: str, *lines: str, closing: str | None) -> list[str]:
    head = [":20:STARTUMS", ":25:DE89370400440532013000", f":28C:0000{number}/001", opening]
    return [*head, *lines, *([closing] if closing else [])]


FIRST = statement(
    1,
    ":60F:C261029EUR1000,00",
    ":61:2610301030CR119,00NTRFNONREF//B1",
    ":86:166?00GUTSCHRIFT?20RE-2026-0001",
    closing=":62F:C261030EUR1119,00",
)
SECOND = statement(
    2,
    ":60F:C261030EUR1119,00",
    ":61:2610311031CR50,00NTRFNONREF//B2",
    ":86:166?00GUTSCHRIFT?20RE-2026-0002",
    closing=":62F:C261031EUR1169,00",
)


def test_framed_messages_each_closed_load_whole() -> None:
    parsed = parse_mt940(framed(FIRST, SECOND), "two.sta")
    assert [t.entry_ref for t in parsed.transactions] == ["B1", "B2"]
    assert [s.balance_difference for s in parsed.statements] == [Decimal("0.00")] * 2
    assert parsed.warnings == []


def test_a_message_cut_off_with_the_next_one_spliced_into_its_details_is_refused() -> None:
    """The first message ends inside its :86: (no closing balance, no end marker) and the
    next message's SWIFT header follows in the same text: nothing of the file loads."""
    cut = [*FIRST[:5], FIRST[5] + " " + HEADER]  # ... :86:...RE-2026-0001 {1:...}{2:...}{4:
    data = (HEADER + "\n" + "\n".join(cut) + "\n" + "\n".join(SECOND) + "\n-}").encode()
    with pytest.raises(IngestError) as exc:
        parse_mt940(data, "cut.sta")
    assert locations(exc) == [
        ("statement 1, :86: line 7", ":86:"),
        ("statement 1, :20: line 2", ":20:"),
        ("statement 2, :62F: line 14", ":62F:"),
    ]
    messages = [issue.message for issue in exc.value.issues]
    assert "the SWIFT header of another message ({1:...)" in messages[0]
    assert "no closing balance (:62F:/:62M:) before the next statement (line 8)" in messages[1]
    assert "2 SWIFT message(s) open block 4 ({4:) but 1 close it (-})" in messages[2]


def test_a_file_that_ends_before_its_last_closing_balance_is_refused_when_framed() -> None:
    data = framed(FIRST, SECOND).removesuffix(b"\n:62F:C261031EUR1169,00\n-}")
    with pytest.raises(IngestError) as exc:
        parse_mt940(data, "short.sta")
    assert locations(exc) == [("statement 2, :86: line 16", ":86:")]
    assert exc.value.issues[0].message.startswith("2 SWIFT message(s) open block 4")


def test_an_unframed_statement_without_closing_balance_loads_with_a_warning() -> None:
    """An export whose last statement has no :62F: may be an excerpt or cut off: its
    entries load, unreconciled, and the file says so; ``strict`` refuses it."""
    data = "\n".join(SECOND[:-1]).encode()
    parsed = parse_mt940(data, "excerpt.sta")
    assert [t.amount for t in parsed.transactions] == [Decimal("50.00")]
    assert parsed.statements[0].balance_difference is None
    (warning,) = parsed.warnings
    assert (warning.location, warning.field) == ("statement 1, :20: line 1", ":20:")
    assert "no closing balance" in warning.message
    with pytest.raises(IngestError):
        parse_mt940(data, "excerpt.sta", strict=True)
    # a middle statement without one is cut off: refused
    with pytest.raises(IngestError) as exc:
        parse_mt940("\n".join([*FIRST[:-1], *SECOND]).encode(), "middle.sta")
    assert locations(exc) == [("statement 1, :20: line 1", ":20:")]


@pytest.mark.parametrize(
    ("line", "bank_reference", "says"),
    [
        # an 18-character IBAN where SWIFT allows 16 characters of customer reference
        (
            ":61:2610301030CR119,00NTRFDE8937040044053201//BANKREF12345",
            "BANKREF12345",
            "the customer reference 'DE8937040044053201' has 18 characters (SWIFT allows 16)",
        ),
        # a bank reference longer than the library's 23 characters
        (
            ":61:2610301030CR119,00NTRFNONREF//2026103012345678901234567",
            "2026103012345678901234567",
            "the bank reference '2026103012345678901234567' has 25 characters",
        ),
    ],
)
def test_overlong_statement_line_fields_load_with_a_warning(line, bank_reference, says) -> None:
    lines = statement(1, ":60F:C261029EUR1000,00", line, ":86:166?00GUTSCHRIFT?20RE-2026-0001",
                      closing=":62F:C261030EUR1119,00")  # fmt: skip
    parsed = parse_mt940("\n".join([*lines, "-"]).encode(), "long.sta")
    (tx,) = parsed.transactions
    assert (tx.entry_ref, tx.amount, tx.remittance_text) == (
        bank_reference,
        Decimal("119.00"),
        "RE-2026-0001",
    )
    (warning,) = parsed.warnings
    assert (warning.location, warning.field) == ("statement 1, :61: line 5", ":61:")
    assert says in warning.message and warning.message.endswith("read as written")


def test_transaction_details_of_megabytes_are_cut_with_a_warning() -> None:
    """A :86: of 5 MB (no bank writes that; SWIFT allows 6 x 65 characters) is read up to
    2 048 characters, with a warning naming the tag, instead of filling memory."""
    text = "?20" + "RE-2026-0001 " + "X" * 5_000_000
    lines = statement(1, ":60F:C261029EUR1000,00", ":61:2610301030CR119,00NTRFNONREF//B1",
                      f":86:166?00GUTSCHRIFT{text}", closing=":62F:C261030EUR1119,00")  # fmt: skip
    parsed = parse_mt940("\n".join([*lines, "-"]).encode(), "huge.sta")
    (tx,) = parsed.transactions
    assert tx.remittance_text.startswith("RE-2026-0001 XXX")
    assert len(tx.remittance_text) < 2048
    (warning,) = parsed.warnings
    assert (warning.location, warning.field) == ("statement 1, :86: line 6", ":86:")
    assert "have 5000032 characters" in warning.message  # 16 + 3 + 13 + 5 000 000
    assert warning.message.endswith("read up to 2048")

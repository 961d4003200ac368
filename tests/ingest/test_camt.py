"""camt.053 / camt.054 parser against small hand-written fixtures with hand-computed figures.

Refusal cases start from a valid fixture and change exactly one thing, so each test shows
which check catches it and where the issue points.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.ingest.bank_model import BankTransaction, ParsedBankFile
from orchestration.ingest.camt import looks_like_camt, parse_camt
from orchestration.ingest.errors import IngestError, Issue

CAMT = Path(__file__).resolve().parents[1] / "fixtures" / "camt"
V02 = "camt053_v02_statement.xml"
V04 = "camt053_v04_statement.xml"
V06 = "camt053_v06_two_statements.xml"
V08 = "camt053_v08_statement.xml"
N054 = "camt054_v02_notification.xml"
STMT = "/Document/BkToCstmrStmt/Stmt[1]"


def load(name: str) -> bytes:
    return (CAMT / name).read_bytes()


def parse(name: str) -> ParsedBankFile:
    return parse_camt(load(name), name)


def changed(name: str, old: str, new: str, count: int = 1) -> bytes:
    """The fixture with ``old`` replaced by ``new`` (which must occur), as bytes."""
    text = load(name).decode("utf-8")
    assert old in text, f"fixture {name} no longer contains {old!r}"
    return text.replace(old, new, count).encode("utf-8")


def refused(data: bytes, name: str = "bad.xml", *, strict: bool = False) -> list[Issue]:
    with pytest.raises(IngestError) as excinfo:
        parse_camt(data, name, strict=strict)
    return excinfo.value.issues


def doubted(data: bytes, name: str = "bad.xml") -> list[Issue]:
    """A self-contradicting statement: refused when strict, loaded with warnings otherwise."""
    strict_issues = refused(data, name, strict=True)
    parsed = parse_camt(data, name)
    assert parsed.transactions, "the readable transactions still load"
    assert [(i.location, i.field, i.message) for i in parsed.warnings] == [
        (i.location, i.field, i.message) for i in strict_issues
    ]
    return strict_issues


def by_entry(parsed: ParsedBankFile, entry: int, tx: int = 1) -> BankTransaction:
    [found] = [t for t in parsed.transactions if (t.entry_index, t.tx_index) == (entry, tx)]
    return found


# --------------------------------------------------------------------------- camt.053.001.02


def test_v02_statement_totals_and_balances() -> None:
    parsed = parse(V02)
    [statement] = parsed.statements
    assert statement.account_iban == "DE89370400440532013000"
    assert statement.statement_id == "STMT-2024-03-04"
    assert statement.currency == "EUR"
    assert statement.opening_balance == Decimal("1000.00")
    assert statement.closing_balance == Decimal("1941.50")
    assert statement.opening_date == date(2024, 3, 1)
    assert statement.closing_date == date(2024, 3, 4)
    assert statement.entries == 8  # nine Ntry, one pending
    assert statement.credit_total == Decimal("1034.00")
    assert statement.debit_total == Decimal("92.50")
    assert statement.source_format == "camt.053.001.02"
    assert len(parsed.transactions) == 10  # the batch entry gives three rows


def test_v02_single_credit_with_unstructured_remittance() -> None:
    tx = by_entry(parse(V02), 1)
    assert tx.amount == Decimal("250.00") and isinstance(tx.amount, Decimal)
    assert (tx.currency, tx.direction, tx.is_return) == ("EUR", "credit", False)
    assert tx.booking_date == date(2024, 3, 4)
    assert tx.value_date == date(2024, 3, 4)
    assert tx.end_to_end_id == "E2E-INV-1001"
    assert tx.counterparty_name == "Müller GmbH"
    assert tx.counterparty_iban == "DE02120300000000202051"
    assert tx.remittance_text == "Invoice 1001 customer 4711"
    assert tx.structured_reference is None
    assert tx.bank_tx_code == "PMNT/RCDT/ESCT"
    assert tx.entry_ref == "REF-0001"
    assert tx.bank_reference == "REF-0001"
    assert tx.entry_amount is None
    assert tx.account_iban == "DE89370400440532013000"
    assert tx.statement_id == "STMT-2024-03-04"
    assert tx.source_format == "camt.053.001.02"


def test_v02_structured_rf_reference_and_notprovided_end_to_end() -> None:
    tx = by_entry(parse(V02), 2)
    assert tx.amount == Decimal("119.00")
    assert tx.value_date == date(2024, 3, 5)
    assert tx.structured_reference == "RF18539007547034"
    assert tx.remittance_text is None
    assert tx.end_to_end_id is None  # NOTPROVIDED
    assert tx.counterparty_name == "Acme Ltd"
    assert tx.counterparty_iban == "GB82WEST12345698765432"  # spaces removed


def test_v02_batch_entry_gives_one_row_per_transaction() -> None:
    parsed = parse(V02)
    rows = [t for t in parsed.transactions if t.entry_index == 3]
    assert [t.tx_index for t in rows] == [1, 2, 3]
    assert [t.amount for t in rows] == [Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]
    assert {t.entry_amount for t in rows} == {Decimal("600.00")}
    assert [t.end_to_end_id for t in rows] == ["E2E-B1", "E2E-B2", "E2E-B3"]
    assert [t.counterparty_name for t in rows] == ["Customer A", "Customer B", "Customer C"]
    assert [t.remittance_text for t in rows] == ["INV-2001", "INV-2002", "INV-2003"]
    assert [t.bank_reference for t in rows] == ["REF-0003/1", "REF-0003/2", "REF-0003/3"]
    assert {t.direction for t in rows} == {"credit"}


def test_pending_entry_is_skipped() -> None:
    parsed = parse(V02)
    assert 4 not in {t.entry_index for t in parsed.transactions}
    assert Decimal("999.99") not in {t.amount for t in parsed.transactions}
    assert "REF-0004" not in {t.entry_ref for t in parsed.transactions}


def test_debit_entry_without_transaction_details() -> None:
    tx = by_entry(parse(V02), 5)
    assert (tx.amount, tx.direction, tx.is_return) == (Decimal("12.50"), "debit", False)
    assert tx.bank_tx_code == "ACMT/MDOP/CHRG"
    assert tx.bank_reference == "REF-0005"
    assert tx.counterparty_name is None and tx.remittance_text is None


def test_returned_direct_debit_is_kept_and_flagged() -> None:
    tx = by_entry(parse(V02), 6)
    assert (tx.amount, tx.direction) == (Decimal("80.00"), "debit")
    assert tx.is_return is True
    assert tx.return_reason == "AM04"
    assert tx.bank_tx_code == "PMNT/IDDT/UPDD"
    assert tx.value_date == date(2024, 3, 2)
    # Only the debtor (our customer) is named on the refund; it is the counterparty.
    assert (tx.counterparty_name, tx.counterparty_iban) == ("Schmidt KG", "DE02500105170137075030")
    assert tx.end_to_end_id == "E2E-DD-77"


def test_reversal_indicator_flags_a_return() -> None:
    tx = by_entry(parse(V02), 7)
    assert (tx.amount, tx.direction) == (Decimal("45.00"), "credit")
    assert tx.is_return is True and tx.return_reason is None
    assert tx.bank_tx_code == "NMSC+808"
    assert tx.entry_ref == "NREF-7" and tx.bank_reference == "NREF-7"


def test_entries_without_reference_get_distinct_derived_references() -> None:
    parsed = parse(V02)
    first, second = by_entry(parsed, 8), by_entry(parsed, 9)
    assert first.entry_ref is None and second.entry_ref is None
    assert first.bank_reference.startswith("D:") and first.bank_reference.endswith(":1")
    assert second.bank_reference == first.bank_reference[:-1] + "2"


def test_bank_references_are_unique_and_stable() -> None:
    once, twice = parse(V02), parse(V02)
    refs = [t.bank_reference for t in once.transactions]
    assert len(set(refs)) == len(refs)
    assert refs == [t.bank_reference for t in twice.transactions]
    assert once == twice
    # The file name is not part of any reference: a renamed resend gives the same keys.
    renamed = parse_camt(load(V02), "renamed.xml")
    assert refs == [t.bank_reference for t in renamed.transactions]


# ------------------------------------------------------------------ .04, .06, .08, camt.054


def test_v04_other_account_id_prcd_opening_and_datetime_booking() -> None:
    parsed = parse(V04)
    [statement] = parsed.statements
    assert statement.account_iban == "ACC-778899"
    assert statement.opening_balance == Decimal("-50.00")  # PRCD, DBIT
    assert statement.closing_balance == Decimal("330.00")
    assert statement.closing_date == date(2024, 5, 2)  # Dt/DtTm, date as written
    assert (statement.credit_total, statement.debit_total) == (Decimal("500.00"), Decimal("120.00"))
    first = by_entry(parsed, 1, 1)
    assert first.booking_date == date(2024, 5, 2)  # 23:30 +02:00, not moved to UTC
    assert first.value_date == date(2024, 5, 3)
    assert first.source_format == "camt.053.001.04"


def test_v04_batch_amounts_from_txdtls_amt_in_entry_currency() -> None:
    parsed = parse(V04)
    a, b = by_entry(parsed, 1, 1), by_entry(parsed, 1, 2)
    assert (a.amount, a.currency) == (Decimal("300.00"), "CHF")
    # TxDtls/Amt (CHF, the entry's currency) wins over the instructed EUR 205.00.
    assert (b.amount, b.currency) == (Decimal("200.00"), "CHF")
    assert (a.entry_amount, b.entry_amount) == (Decimal("500.00"), Decimal("500.00"))
    assert (a.entry_ref, b.entry_ref) == ("TX-A", "TX-B")
    assert (a.bank_reference, b.bank_reference) == ("TX-A/1", "TX-B/2")
    assert a.counterparty_iban == "CH5604835012345678009"


def test_v04_debit_counterparty_is_the_creditor() -> None:
    tx = by_entry(parse(V04), 2)
    assert (tx.amount, tx.direction) == (Decimal("120.00"), "debit")
    assert (tx.counterparty_name, tx.counterparty_iban) == ("Lieferant AG", "CH9300762011623852957")
    assert tx.end_to_end_id == "PAY-9001"
    assert tx.bank_reference == "V04-E2"


def test_v06_two_statements_info_entry_skipped() -> None:
    parsed = parse(V06)
    day1, day2 = parsed.statements
    assert (day1.statement_id, day2.statement_id) == ("V06-DAY-1", "V06-DAY-2")
    assert (day1.entries, day1.credit_total, day1.debit_total) == (
        2,
        Decimal("1575.00"),
        Decimal("0.00"),
    )
    assert (day2.entries, day2.credit_total, day2.debit_total) == (
        1,
        Decimal("0.00"),
        Decimal("575.00"),
    )
    assert day2.opening_balance == day1.closing_balance == Decimal("1575.00")
    assert [(t.statement_id, t.entry_index) for t in parsed.transactions] == [
        ("V06-DAY-1", 1),
        ("V06-DAY-1", 3),
        ("V06-DAY-2", 1),
    ]
    assert Decimal("333.33") not in {t.amount for t in parsed.transactions}


def test_v06_german_return_code_and_own_account_party() -> None:
    day1 = [t for t in parse(V06).transactions if t.statement_id == "V06-DAY-1"]
    normal, returned = day1
    assert normal.is_return is False  # NTRF+166: an ordinary SEPA credit
    assert returned.is_return is True  # NRTI+159: returned transfer
    assert returned.bank_tx_code == "NRTI+159"
    assert returned.direction == "credit" and returned.amount == Decimal("75.00")
    # The debtor named is our own account (the original payment); the creditor is the other side.
    assert (returned.counterparty_name, returned.counterparty_iban) == (
        "Fournisseur SA",
        "AT611904300234573201",
    )


def test_v08_status_code_and_party_names() -> None:
    parsed = parse(V08)
    [statement] = parsed.statements
    assert statement.source_format == "camt.053.001.08"
    assert statement.entries == 2  # Sts/Cd PDNG skipped
    assert (statement.credit_total, statement.debit_total) == (Decimal("99.95"), Decimal("19.95"))
    credit, debit = parsed.transactions
    assert credit.entry_index == 1 and debit.entry_index == 3
    assert (credit.counterparty_name, credit.counterparty_iban) == (
        "Jansen BV",
        "NL20INGB0001234567",
    )
    assert credit.structured_reference == "RF712348231"
    assert credit.remittance_text == "Order 77"
    assert credit.bank_reference == "V08-T1"  # TxDtls/Refs/AcctSvcrRef before Ntry/AcctSvcrRef
    assert (debit.counterparty_name, debit.amount) == ("Telecom NV", Decimal("19.95"))
    assert debit.bank_tx_code == "PMNT/RDDT/ESDD"


def test_later_version_is_tolerated() -> None:
    data = changed(V08, "xsd:camt.053.001.08", "xsd:camt.053.001.10")
    parsed = parse_camt(data, "v10.xml")
    assert parsed.statements[0].source_format == "camt.053.001.10"
    assert parsed.statements[0].entries == 2


def test_camt054_notification_without_balances() -> None:
    parsed = parse(N054)
    [statement] = parsed.statements
    assert statement.statement_id == "NTF-2024-08-15-1"
    assert statement.account_iban == "AT611904300234573201"
    assert statement.opening_balance is None and statement.closing_balance is None
    assert statement.currency == "EUR"
    assert (statement.entries, statement.credit_total) == (1, Decimal("42.00"))
    [tx] = parsed.transactions
    assert tx.source_format == "camt.054.001.02"
    assert (tx.amount, tx.direction, tx.bank_reference) == (Decimal("42.00"), "credit", "NTF-E1")
    assert (tx.counterparty_name, tx.remittance_text) == ("Huber e.U.", "RE 2024-0815")


def test_statement_id_falls_back_to_sequence_number_then_message_id() -> None:
    no_id = changed(V08, "<Id>V08-2024-07-01</Id>", "")
    assert parse_camt(no_id, "x.xml").statements[0].statement_id == "182"
    neither = changed(N054, "<Id>NTF-2024-08-15-1</Id>", "")
    assert parse_camt(neither, "x.xml").statements[0].statement_id == "MSG-054-0001/1"


def test_utf16_file_is_read() -> None:
    text = load(V08).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = text.encode("utf-16")
    assert looks_like_camt(data)
    assert parse_camt(data, "utf16.xml") == parse(V08)


# --------------------------------------------------------------------------- refusals: content


def test_balance_mismatch_is_flagged_with_both_figures() -> None:
    data = changed(V02, '<Amt Ccy="EUR">1941.50</Amt>', '<Amt Ccy="EUR">1941.51</Amt>')
    [issue] = doubted(data)
    [statement] = parse_camt(data, "bad.xml").statements
    assert statement.balance_difference == Decimal("0.01")
    assert issue.location == STMT and issue.field == "Bal"
    assert "STMT-2024-03-04" in issue.message
    assert "1941.50" in issue.message and "1941.51" in issue.message


def test_balance_mismatch_is_not_hidden_by_a_pending_entry() -> None:
    # Booking the pending 999.99 would need a different closing balance.
    data = changed(V02, "<Sts>PDNG</Sts>", "<Sts>BOOK</Sts>")
    [issue] = doubted(data)
    assert issue.field == "Bal" and "2941.49" in issue.message


def test_bad_account_iban_is_flagged() -> None:
    data = changed(V02, "DE89370400440532013000", "DE89370400440532013001")
    [issue] = doubted(data)
    assert issue.location == f"{STMT}/Acct/Id/IBAN"
    assert issue.field == "IBAN" and "DE89370400440532013001" in issue.message


def test_bad_currency_is_refused() -> None:
    data = changed(V02, '<Amt Ccy="EUR">119.00</Amt>', '<Amt Ccy="EUX">119.00</Amt>')
    [issue] = refused(data)
    assert (issue.location, issue.field) == (f"{STMT}/Ntry[2]/Amt", "Ccy")
    assert "EUX" in issue.message


def test_missing_amount_is_refused() -> None:
    data = changed(V02, '<Amt Ccy="EUR">12.50</Amt>', "")
    [issue] = refused(data)
    assert (issue.location, issue.field) == (f"{STMT}/Ntry[5]/Amt", "Amt")
    assert "missing" in issue.message


@pytest.mark.parametrize("text", ["12,50", "twelve", "12.505", "-12.50", ""])
def test_unusable_amount_is_refused(text: str) -> None:
    data = changed(V02, '<Amt Ccy="EUR">12.50</Amt>', f'<Amt Ccy="EUR">{text}</Amt>')
    [issue] = refused(data)
    assert (issue.location, issue.field) == (f"{STMT}/Ntry[5]/Amt", "Amt")


def test_batch_not_adding_up_is_refused() -> None:
    data = changed(V02, '<Amt Ccy="EUR">300.00</Amt>', '<Amt Ccy="EUR">301.00</Amt>')
    [issue] = refused(data)
    assert (issue.location, issue.field) == (f"{STMT}/Ntry[3]/NtryDtls", "TxDtls")
    assert "601.00" in issue.message and "600.00" in issue.message


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        # the second transaction names no amount: the batch cannot be split
        (
            '<AmtDtls><TxAmt><Amt Ccy="EUR">200.00</Amt></TxAmt></AmtDtls>',
            "",
            "a batch of 3 transactions, 1 without an amount of their own",
        ),
        # in another currency than the booking: its amount is not what the bank booked
        (
            '<AmtDtls><TxAmt><Amt Ccy="EUR">200.00</Amt></TxAmt></AmtDtls>',
            '<AmtDtls><TxAmt><Amt Ccy="USD">200.00</Amt></TxAmt></AmtDtls>',
            "a batch of 3 transactions in USD, booked in EUR",
        ),
        # a credit batch whose details read as debits
        (
            "<Refs><EndToEndId>E2E-B2</EndToEndId></Refs>",
            "<Refs><EndToEndId>E2E-B2</EndToEndId></Refs><CdtDbtInd>DBIT</CdtDbtInd>",
            "a credit batch of 3 transactions, 1 of them reading as the opposite direction",
        ),
    ],
)
def test_a_batch_that_cannot_be_split_loads_whole_for_manual_application(old, new, why) -> None:
    """The entry of 600.00 loads as one credit (not refused, not split into amounts the
    bank did not book), with every remittance text, no single payer (three differ), and
    the reason it needs a person, also as a warning on the file naming the entry."""
    parsed = parse_camt(changed(V02, old, new), "batch.xml")
    batch = [t for t in parsed.transactions if t.entry_index == 3]
    [tx] = batch
    assert (tx.amount, tx.currency, tx.direction, tx.entry_amount) == (
        Decimal("600.00"),
        "EUR",
        "credit",
        None,
    )
    assert tx.remittance_text == "INV-2001 | INV-2002 | INV-2003"
    assert (tx.counterparty_name, tx.end_to_end_id, tx.bank_reference) == (None, None, "REF-0003")
    assert tx.review_reason.startswith(why)
    assert tx.review_reason.endswith("as one booking of the entry's amount, to apply by hand")
    [warning] = parsed.warnings
    assert (warning.location, warning.field) == (f"{STMT}/Ntry[3]/NtryDtls", "TxDtls")
    assert warning.message == tx.review_reason
    # the other entries are untouched, and the statement still adds up
    assert [t.review_reason for t in parsed.transactions if t.entry_index != 3] == [None] * (
        len(parsed.transactions) - 1
    )
    assert parsed.statements[0].balance_difference == Decimal("0.00")


def test_a_batch_with_its_own_amounts_still_splits() -> None:
    batch = [t for t in parse(V02).transactions if t.entry_index == 3]
    assert [(t.amount, t.review_reason) for t in batch] == [
        (Decimal("100.00"), None),
        (Decimal("200.00"), None),
        (Decimal("300.00"), None),
    ]


def test_single_transaction_contradicting_its_entry_is_refused() -> None:
    data = changed(
        V04,
        '<Amt Ccy="CHF">120.00</Amt>\n            <CdtDbtInd>DBIT',
        ('<Amt Ccy="CHF">121.00</Amt>\n            <CdtDbtInd>DBIT'),
    )
    [issue] = refused(data)
    assert issue.location == f"{STMT}/Ntry[2]/NtryDtls/TxDtls[1]/Amt"


@pytest.mark.parametrize(
    ("old", "new", "location"),
    [
        ("<BookgDt><Dt>2024-03-04</Dt>", "<BookgDt><Dt>2024-02-30</Dt>", "Ntry[1]/BookgDt/Dt"),
        ("<ValDt><Dt>2024-03-05</Dt>", "<ValDt><Dt>05.03.2024</Dt>", "Ntry[2]/ValDt/Dt"),
        ("<Dt><Dt>2024-03-01</Dt></Dt>", "<Dt><Dt>2024-13-01</Dt></Dt>", "Bal[1]/Dt/Dt"),
    ],
)
def test_invalid_date_is_refused(old: str, new: str, location: str) -> None:
    [issue] = refused(changed(V02, old, new))
    assert issue.location == f"{STMT}/{location}"
    assert new.split("<Dt>")[-1].split("<")[0] in issue.message


def test_invalid_date_time_is_refused() -> None:
    data = changed(V04, "2024-05-02T23:30:00+02:00", "2024-05-02T24:30:00+02:00")
    [issue] = refused(data)
    assert (issue.location, issue.field) == (f"{STMT}/Ntry[1]/BookgDt/DtTm", "DtTm")


def test_booked_entry_without_any_date_is_refused() -> None:
    data = changed(
        V02,
        "<BookgDt><Dt>2024-03-04</Dt></BookgDt>\n        <ValDt><Dt>2024-03-05</Dt></ValDt>",
        "",
    )
    [issue] = refused(data)
    assert issue.location == f"{STMT}/Ntry[2]/BookgDt"


def test_booking_date_falls_back_to_value_date() -> None:
    data = changed(
        V02,
        "<BookgDt><Dt>2024-03-04</Dt></BookgDt>\n        <ValDt><Dt>2024-03-05</Dt>",
        ("<ValDt><Dt>2024-03-05</Dt>"),
    )
    tx = by_entry(parse_camt(data, "x.xml"), 2)
    assert tx.booking_date == tx.value_date == date(2024, 3, 5)


def test_bad_credit_debit_indicator_is_refused() -> None:
    data = changed(V02, "<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DEBIT</CdtDbtInd>")
    [issue] = refused(data)
    assert (issue.location, issue.field) == (f"{STMT}/Ntry[5]/CdtDbtInd", "CdtDbtInd")


def test_unknown_entry_status_is_refused() -> None:
    [issue] = refused(changed(V02, "<Sts>PDNG</Sts>", "<Sts>MAYBE</Sts>"))
    assert (issue.location, issue.field) == (f"{STMT}/Ntry[4]/Sts", "Sts")


def test_account_without_identification_is_refused() -> None:
    [issue] = refused(changed(N054, "<Id><IBAN>AT611904300234573201</IBAN></Id>", "<Id/>"))
    assert issue.location == "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Acct/Id"


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    data = changed(V02, '<Amt Ccy="EUR">119.00</Amt>', '<Amt Ccy="XXY">119.00</Amt>')
    data = data.replace(b"DE89370400440532013000", b"DE00370400440532013000", 1)
    issues = refused(data, strict=True)
    assert [i.field for i in issues] == ["IBAN", "Ccy"]
    assert all(i.file == "bad.xml" for i in issues)


# --------------------------------------------------------------------------- refusals: document


def test_malformed_xml_is_refused_with_line() -> None:
    data = load(V02)[:2000]
    [issue] = refused(data)
    assert issue.location.startswith("line ")
    assert "well-formed" in issue.message


def test_empty_file_is_refused() -> None:
    refused(b"")


def test_xxe_is_refused() -> None:
    [issue] = refused(load("xxe.xml"), "xxe.xml")
    assert "DOCTYPE" in issue.message
    assert "root:" not in str(issue)  # nothing of /etc/passwd


def test_billion_laughs_is_refused() -> None:
    [issue] = refused(load("billion_laughs.xml"), "billion_laughs.xml")
    assert "DOCTYPE" in issue.message


def test_doctype_in_utf16_is_refused() -> None:
    text = load("xxe.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    [issue] = refused(text.encode("utf-16"))
    assert "DOCTYPE" in issue.message


@pytest.mark.parametrize(
    ("namespace", "reason"),
    [
        (None, "no XML namespace"),
        ("urn:iso:std:iso:20022:tech:xsd:camt", "names no camt message"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.052.001.02", "camt.052"),
        ("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", "not an ISO 20022 camt"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.01", "not a version this parser knows"),
        # an invented version is not read as if it were a known one
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.99", ".001.02 to .001.13 are accepted"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.054.001.14", "camt.054.001.14 is not a version"),
        ("urn:example:other", "not an ISO 20022 camt"),
    ],
)
def test_other_namespaces_are_refused(namespace: str | None, reason: str) -> None:
    old = ' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"'
    data = changed(V02, old, f' xmlns="{namespace}"' if namespace else "")
    [issue] = refused(data)
    assert (issue.location, issue.field) == ("/Document", "xmlns")
    assert reason in issue.message


def test_camt053_without_statement_is_refused() -> None:
    data = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.03">\n</Document>'
    [issue] = refused(data)
    assert issue.field == "Stmt" and "BkToCstmrStmt/Stmt" in issue.message


def test_camt054_namespace_with_statement_content_is_refused() -> None:
    data = changed(V08, "xsd:camt.053.001.08", "xsd:camt.054.001.08")
    [issue] = refused(data)
    assert issue.field == "Ntfctn"


def test_root_must_be_document() -> None:
    data = b'<BkToCstmrStmt xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>'
    [issue] = refused(data)
    assert "Document" in issue.message


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize("name", [V02, V04, V06, V08, N054])
def test_looks_like_camt_on_fixtures(name: str) -> None:
    assert looks_like_camt(load(name))


@pytest.mark.parametrize(
    "data",
    [
        b":20:STARTUMSE\r\n:25:37040044/0532013000\r\n:28C:00001/001\r\n",
        b"customer_id;name\n1;Acme\n",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>',
        b"",
    ],
)
def test_looks_like_camt_rejects_other_files(data: bytes) -> None:
    assert not looks_like_camt(data)


def test_looks_like_camt_routes_unsupported_camt_to_the_parser() -> None:
    # So that the user is told why (no namespace, camt.052), not "unknown format".
    assert looks_like_camt(b"<?xml version='1.0'?>\n<Document>\n<BkToCstmrAcctRpt/></Document>")
    assert looks_like_camt(load("xxe.xml"))


def test_camt054_entry_without_dates_is_booked_on_the_notification_day_flagged() -> None:
    """A notification whose entry names neither booking nor value date: the money is
    loaded, booked on the notification's creation day (as written, in the bank's time
    zone), and the file carries the warning; strict refuses it."""
    undated = changed(N054, "<BookgDt><Dt>2024-08-15</Dt></BookgDt>", "")
    undated = undated.replace(b"<ValDt><Dt>2024-08-15</Dt></ValDt>", b"")
    undated = undated.replace(
        b"<CreDtTm>2024-08-15T14:00:00+02:00</CreDtTm>\n      <Acct>",
        b"<CreDtTm>2024-08-16T00:30:00+02:00</CreDtTm>\n      <Acct>",
    )
    [warning] = doubted(undated, "n054.xml")
    assert (warning.location, warning.field) == (
        "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/BookgDt",
        "BookgDt",
    )
    assert "booked on the notification's creation day 2024-08-16" in warning.message
    [tx] = parse_camt(undated, "n054.xml").transactions
    assert (tx.booking_date, tx.value_date) == (date(2024, 8, 16), None)
    assert tx.amount == Decimal("42.00")
    # no creation time on the notification: the message's (GrpHdr) day
    header_only = undated.replace(b"<CreDtTm>2024-08-16T00:30:00+02:00</CreDtTm>\n      <Acct>",
                                  b"<Acct>")  # fmt: skip
    [tx] = parse_camt(header_only, "n054.xml").transactions
    assert tx.booking_date == date(2024, 8, 15)
    # a statement (camt.053) must date its entries: refused
    no_dates = changed(V08, "<BookgDt><Dt>2024-07-01</Dt></BookgDt>", "")
    no_dates = no_dates.replace(b"<ValDt><Dt>2024-07-01</Dt></ValDt>", b"", 1)
    [issue] = refused(no_dates)
    assert (issue.location, issue.message) == (
        f"{STMT}/Ntry[1]/BookgDt",
        "a booked entry needs a booking or value date",
    )

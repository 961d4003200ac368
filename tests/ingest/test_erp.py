"""ERP extracts: both dialects, both encodings, Parquet, and every refusal with its location."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.ingest.erp import erp_entity, parse_erp
from orchestration.ingest.errors import IngestError

CUSTOMERS_HEADER = (
    "customer_id,name,customer_type,country,language,currency,email,phone,street,postal_code,"
    "city,vat_id,payment_terms_days,credit_limit,collector,entity,iban\n"
)
DOCS_HEADER = (
    "document_id,document_type,customer_id,issue_date,due_date,amount,currency,"
    "payment_reference,entity,order_id,description\n"
)


def issues_of(exc: pytest.ExceptionInfo[IngestError]) -> list[tuple[str, str]]:
    return [(i.location, i.field) for i in exc.value.issues]


def test_customers_utf8_comma_dialect():
    data = (
        CUSTOMERS_HEADER + "C1,Acme GmbH,B2B,DE,de,EUR,a@acme.de,,Hauptstr. 1,10115,Berlin,"
        "DE136695976,30,25000.00,Anna,FW01,DE89 3704 0044 0532 0130 00\n"
    ).encode()
    table = parse_erp(data, "customers.csv", known_customers=set())
    row = table.rows[0]
    assert table.entity == "customers"
    assert row["credit_limit"] == Decimal("25000.00")
    assert row["payment_terms_days"] == 30
    assert row["iban"] == "DE89370400440532013000"
    assert row["_line"] == "line 2"


def test_customers_german_dialect_windows_1252():
    text = (
        CUSTOMERS_HEADER.replace(",", ";")
        + "C2;Müller Großhandel GmbH;B2B;AT;de;EUR;;;;;Wien;;60;1.234.567,89;Bernd;FW01;\n"
    )
    table = parse_erp(text.encode("cp1252"), "customers_full.csv", known_customers=set())
    assert table.encoding == "cp1252"
    assert table.rows[0]["name"] == "Müller Großhandel GmbH"
    assert table.rows[0]["credit_limit"] == Decimal("1234567.89")


def test_documents_german_dates_in_german_dialect():
    text = (
        DOCS_HEADER.replace(",", ";") + "RE-1;invoice;C1;31.01.2026;02.03.2026;119,00;EUR;;FW01;;\n"
    )
    row = parse_erp(text.encode(), "documents_2026-01.csv", {"C1"}).rows[0]
    assert row["issue_date"] == date(2026, 1, 31)
    assert row["due_date"] == date(2026, 3, 2)
    assert row["amount"] == Decimal("119.00")


def test_documents_every_field_issue_named():
    data = (
        DOCS_HEADER
        + "RE-1,invoice,C1,2026-02-30,2026-03-01,100.00,EUR,,FW01,,\n"
        + "RE-2,invoice,C9,2026-02-01,2026-03-01,100.00,EUR,,FW01,,\n"
        + "RE-4,invoice,C1,2026-02-01,2026-03-01,100.00,EUX,,FW01,,\n"
        + "RE-2,invoice,C1,2026-02-01,2026-03-01,100.00,EUR,,FW01,,\n"
        + "RE-6,offer,C1,2026-02-01,2026-01-01,-5.00,EUR,,FW01,,\n"
        + "RE-7,invoice,C1,2026-02-01,2026-03-01,10.005,EUR,,FW01,,\n"
    ).encode()
    with pytest.raises(IngestError) as exc:
        parse_erp(data, "documents.csv", {"C1"})
    found = set(issues_of(exc))
    assert {
        ("line 2", "issue_date"),
        ("line 3", "customer_id"),
        ("line 4", "currency"),
        ("line 5", "document_id"),
        ("line 6", "document_type"),
        ("line 7", "amount"),
    } <= found
    assert "first at line 3" in str(exc.value)
    assert "documents.csv, line 4, field 'currency'" in str(exc.value)


def test_wrong_field_count_names_the_line():
    data = (DOCS_HEADER + "RE-3,invoice,C1,2026-02-01,2026-03-01,1,000.00,EUR,,FW01,,\n").encode()
    with pytest.raises(IngestError) as exc:
        parse_erp(data, "documents.csv", {"C1"})
    assert issues_of(exc) == [("line 2", "")]
    assert "12 fields, the header has 11" in str(exc.value)


def test_missing_required_column():
    with pytest.raises(IngestError) as exc:
        parse_erp(
            b"payment_id,customer_id,amount,currency\nP1,C1,1.00,EUR\n", "payments.csv", {"C1"}
        )
    assert ("line 1", "payment_date") in issues_of(exc)


def test_documents_delta_without_an_optional_contract_column_is_refused():
    # due_date may be empty in a row, but a file without the column would replace every
    # earlier version of its documents with an empty due date
    header = DOCS_HEADER.replace("due_date,", "")
    data = (header + "RE-1,invoice,C1,2026-02-01,100.00,EUR,,FW01,,\n").encode()
    with pytest.raises(IngestError) as exc:
        parse_erp(data, "documents_delta.csv", {"C1"})
    assert issues_of(exc) == [("line 1", "due_date")]
    assert "would replace the earlier values" in str(exc.value)


def test_extension_columns_may_be_left_out():
    data = (DOCS_HEADER + "RE-1,invoice,C1,2026-02-01,2026-03-01,100.00,EUR,,FW01,,\n").encode()
    assert parse_erp(data, "documents.csv", {"C1"}).rows[0]["applies_to_document_id"] is None


def test_thousands_separator_in_point_dialect_is_refused_not_guessed():
    data = (
        b"payment_id,customer_id,document_id,amount,currency,payment_date\n"
        b'P1,C1,,"1,000.00",EUR,2026-01-01\n'
    )
    with pytest.raises(IngestError) as exc:
        parse_erp(data, "payments.csv", {"C1"})
    assert issues_of(exc) == [("line 2", "amount")]


def test_parquet_extract():
    table = pa.table(
        {
            "payment_id": ["P1"],
            "customer_id": ["C1"],
            "document_id": [None],
            "amount": pa.array([Decimal("12.30")], pa.decimal128(18, 2)),
            "currency": ["CHF"],
            "payment_date": pa.array([date(2026, 5, 1)], pa.date32()),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    row = parse_erp(buffer.getvalue(), "payments_2026.parquet", {"C1"}).rows[0]
    assert row["amount"] == Decimal("12.30")
    assert row["payment_date"] == date(2026, 5, 1)
    assert row["document_id"] is None
    assert row["_line"] == "row 1"


def test_parquet_float_amount_with_float_noise_is_refused():
    table = pa.table(
        {
            "payment_id": ["P1"],
            "customer_id": ["C1"],
            "document_id": [""],
            "amount": [0.1 + 0.2],
            "currency": ["EUR"],
            "payment_date": ["2026-01-01"],
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    with pytest.raises(IngestError, match="more than 2 decimals"):
        parse_erp(buffer.getvalue(), "payments.parquet", {"C1"})


def test_unknown_file_name_and_non_text():
    assert erp_entity("Customers_2026.CSV") == "customers"
    assert erp_entity("invoices.csv") is None
    with pytest.raises(IngestError, match="fits no ERP source"):
        parse_erp(b"x\n1\n", "invoices.csv", set())
    with pytest.raises(IngestError, match="neither UTF-8 nor Windows-1252"):
        parse_erp(b"customer_id\n\x81\x8d\n", "customers.csv", set())


def test_bad_country_is_refused_a_bad_iban_is_loaded_with_a_warning():
    data = (
        CUSTOMERS_HEADER + "C1,Acme,B2B,XX,de,EUR,,,,,,,30,,,FW01,DE89370400440532013001\n"
    ).encode()
    with pytest.raises(IngestError) as exc:
        parse_erp(data, "customers.csv", set())
    assert issues_of(exc) == [("line 2", "country")]
    table = parse_erp(data.replace(b",XX,", b",DE,"), "customers.csv", set())
    assert table.rows[0]["iban"] == "DE89370400440532013001"  # as given
    ((warning),) = table.warnings
    assert (warning.file, warning.location, warning.field) == ("customers.csv", "line 2", "iban")
    assert "is not a valid IBAN" in warning.message and "loaded as given" in warning.message


@pytest.mark.parametrize(
    ("vat_id", "country", "valid"),
    [
        ("DE136695976", "DE", True),
        ("DE 136 695 976", "DE", True),  # as typed: stdnum compacts it
        ("DE136695977", "DE", False),  # check digit
        ("ATU13585627", "AT", True),
        ("ATU13585626", "AT", False),
        ("FR40303265045", "FR", True),
        ("NL004495445B01", "NL", True),
        ("CHE-313.589.360 MWST", "CH", True),  # Switzerland's own rules, by the country
        ("CHE-313.589.361 MWST", "CH", False),
        ("GB980780684", "GB", True),
        ("GB980780685", "GB", False),
        ("DE136695976", "CH", True),  # a Swiss customer's German VAT id: by its EU prefix
        ("12-3456789", "US", True),  # no rules known for the US: nothing is claimed
    ],
)
def test_customer_vat_ids_are_checked_with_stdnum_and_warned_not_refused(vat_id, country, valid):
    data = (CUSTOMERS_HEADER + f"C1,Acme,B2B,{country},de,EUR,,,,,,{vat_id},30,,,FW01,\n").encode()
    table = parse_erp(data, "customers_delta.csv", set())
    assert table.rows[0]["vat_id"] == vat_id  # loaded as given either way
    found = [(w.location, w.field) for w in table.warnings]
    assert found == ([] if valid else [("line 2", "vat_id")])
    if not valid:
        assert f"{vat_id!r} is not a valid VAT id" in table.warnings[0].message


def test_header_only_extract_is_a_valid_empty_delta():
    header = b"payment_id,customer_id,document_id,amount,currency,payment_date\n"
    assert parse_erp(header, "payments_2026-08.csv", set()).rows == []

"""Numbers are never guessed: each file's convention is applied strictly, or the value refused.

The defect this pins: in a ``;``-separated (German) file an amount written ``119.00`` used to
load as 11 900.00, because every dot was deleted as a thousands separator.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.ingest.bureau import parse_bureau
from orchestration.ingest.codes import parse_amount, parse_number
from orchestration.ingest.erp import parse_erp
from orchestration.ingest.errors import IngestError

PAYMENTS_HEADER = "payment_id,customer_id,document_id,amount,currency,payment_date\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("119,00", Decimal("119.00")),
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("-1.234,56", Decimal("-1234.56")),
        ("+5", Decimal("5.00")),
        ("0,5", Decimal("0.50")),
        ("1234,", Decimal("1234.00")),  # SWIFT writes the comma even without decimals
        ("1.234", Decimal("1234.00")),  # a dot before three digits is a thousands separator
    ],
)
def test_decimal_comma_amounts_that_are_well_formed(text: str, expected: Decimal):
    assert parse_amount(text, decimal_comma=True) == expected


@pytest.mark.parametrize(
    "text",
    [
        "119.00",  # a decimal point in a decimal-comma file: was read as 11 900.00
        "1.2.3,45",  # dots that are no thousands grouping
        "1,234,56",  # two decimal commas
        "12.34,56",  # a thousands separator in the wrong place
        "1.2345,00",  # a group of four digits
        "12.34",  # a decimal point with two decimals
        ",5",
        "1 234,56",
        "1e5",
    ],
)
def test_decimal_comma_amounts_that_are_refused(text: str):
    with pytest.raises(ValueError, match="not a number"):
        parse_amount(text, decimal_comma=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("119.00", Decimal("119.00")), ("-0.5", Decimal("-0.50")), (".5", Decimal("0.50"))],
)
def test_decimal_point_amounts_that_are_well_formed(text: str, expected: Decimal):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,234,56", "contains a comma"),
        ("1,000.00", "contains a comma"),  # no thousands separator in the contract's form
        ("119,00", "contains a comma"),
        ("1.2.3", "not a number"),
        ("1e5", "not a number"),  # Decimal() would accept it
        ("1_000", "not a number"),  # Decimal() would accept it
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("١٢٣", "not a number"),  # Arabic-Indic digits, accepted by Decimal()
        ("10.005", "more than 2 decimals"),
    ],
)
def test_decimal_point_amounts_that_are_refused(text: str, reason: str):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


def test_plain_numbers_are_as_strict_as_amounts():
    assert parse_number("0,0125", decimal_comma=True) == Decimal("0.0125")
    with pytest.raises(ValueError):
        parse_number("650.5", decimal_comma=True)  # was read as 6 505


@pytest.mark.parametrize(
    ("amount", "refused"),
    [("119,00", False), ("119.00", True), ("1.2.3,45", True), ("1,234,56", True)],
)
def test_german_payments_file_names_file_line_and_field(amount: str, refused: bool):
    data = (
        PAYMENTS_HEADER.replace(",", ";")
        + "P1;C1;;5,00;EUR;2026-01-01\n"
        + f"P2;C1;;{amount};EUR;2026-01-02\n"
    ).encode()
    if not refused:
        rows = parse_erp(data, "payments_2026-01.csv", {"C1"}).rows
        assert [r["amount"] for r in rows] == [Decimal("5.00"), Decimal("119.00")]
        return
    with pytest.raises(IngestError) as exc:
        parse_erp(data, "payments_2026-01.csv", {"C1"})
    assert [(i.file, i.location, i.field) for i in exc.value.issues] == [
        ("payments_2026-01.csv", "line 3", "amount")
    ]
    assert f"{amount!r}" in str(exc.value)


def test_bureau_score_in_german_file_is_not_multiplied():
    data = (
        b"customer_id;bureau;report_date;score;probability_of_default\n"
        b"C1;Creditreform;2026-01-05;650.5;0,02\n"
    )
    with pytest.raises(IngestError) as exc:
        parse_bureau(data, "bureau.csv", {"C1"}, {})
    assert [(i.location, i.field) for i in exc.value.issues] == [("line 2", "score")]

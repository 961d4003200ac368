"""Exports: the rows and columns as filtered, numbers as numbers, no formula injection."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from core.spreadsheet import neutralise
from dashboards import opos, queries
from dashboards.exports import to_csv_bytes, to_xlsx_bytes

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "plain", "a=b"]


def test_neutralise_every_formula_start():
    assert [neutralise(v) for v in HOSTILE] == [
        "'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "'\rx", "plain", "a=b",
    ]  # fmt: skip
    assert neutralise(-5) == -5 and neutralise(None) is None
    # behind blanks and line breaks, in full-width forms, a formula is still one
    hidden = [
        " =1+1", "\n=cmd|' /C calc'!A0", "\u00a0@SUM(A1)", "\uff1d1+1", "\uff0d2+3", "\uff20x",
    ]  # fmt: skip
    assert [neutralise(v) for v in hidden] == ["'" + v for v in hidden]
    # a plain number is no formula: amounts read back as numbers
    assert [neutralise(v) for v in ["-12.50", "-3", "12,5", "", "-"]] == [
        "-12.50", "-3", "12,5", "", "'-",
    ]  # fmt: skip


def test_csv_keeps_numbers_and_neutralises_text():
    frame = pd.DataFrame({"text": HOSTILE, "amount": [-1.5] * len(HOSTILE)})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["text", "amount"]
    assert [r[0] for r in rows[1:]] == [neutralise(v) for v in HOSTILE]
    assert {r[1] for r in rows[1:]} == {"-1.5"}


def test_xlsx_cells_are_values_never_formulas():
    frame = pd.DataFrame({
        "text": HOSTILE, "amount": [Decimal("-12.34")] * len(HOSTILE),
        "day": [date(2026, 11, 20)] * len(HOSTILE),
    })  # fmt: skip
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [neutralise(v) for v in HOSTILE]
    assert all(r[1] == -12.34 for r in rows)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert rows[0][2].date() == date(2026, 11, 20)


def test_opos_export_is_exactly_the_filtered_list(snap):
    filtered = opos.apply(
        queries.open_items(snap),
        opos.OposFilter(collectors=("Anna Becker",), sort_by="document_id", descending=False),
    )
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(opos.export_frame(filtered)))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == opos.EXPORT_COLUMNS
    assert [r[0] for r in rows[1:]] == ["D1", "D2", "D4", "D5"]
    d2 = rows[2]
    assert d2[opos.EXPORT_COLUMNS.index("payment_reference")] == '\'=HYPERLINK("x")'
    assert d2[opos.EXPORT_COLUMNS.index("open_amount")] == 500.0

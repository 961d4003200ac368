"""Downloads (CSV and XLSX) of exactly the rows and columns a page shows.

Text cells that a spreadsheet would read as a formula are prefixed with an apostrophe
(core.spreadsheet, the one rule for every file Forderwerk writes); numbers stay numbers.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.spreadsheet import neutralise

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and column name) neutralised."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """RFC 4180 CSV (CRLF, fields with line breaks quoted), UTF-8 with a BOM for Excel."""
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    if isinstance(value, Decimal):
        return float(value)  # a spreadsheet cell holds a double; amounts keep their cents
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime | date | int | float | bool | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "export") -> bytes:
    """One sheet with a header row; text never becomes a formula."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    safe = safe_frame(df)
    ws.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        cells = [_cell(v) for v in row]
        ws.append(cells)
    for index, cell in enumerate(ws[1], start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, len(str(cell.value)) + 2)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never interpreted as a formula, even if it looks like one
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

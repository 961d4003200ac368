"""Read CSV (UTF-8 or Windows-1252, ``,`` or German ``;`` dialect), Parquet and JSON records.

Every record keeps the location a user would look for it at ("line 7", "row 3",
"record 2"), so validation messages can point there.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pyarrow.parquet as pq

from orchestration.ingest.errors import IngestError, Issue, fail


@dataclass(frozen=True)
class Records:
    """A file's records as text, keyed by lower-case column name."""

    columns: list[str]
    rows: list[tuple[str, dict[str, str]]]  # (location, values)
    decimal_comma: bool  # German dialect: "1.234,56" and dates possibly "31.12.2026"
    encoding: str


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, else Windows-1252, the usual German ERP export."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise fail(
            file_name, f"byte {exc.start}", "", "is neither UTF-8 nor Windows-1252 text"
        ) from None


def read_csv(data: bytes, file_name: str) -> Records:
    """Parse a delimited extract; a header with ``;`` marks the German dialect (decimal comma)."""
    text, encoding = decode_text(data, file_name)
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise fail(file_name, "line 1", "", "the file is empty or has no header line")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise fail(file_name, "line 1", "", f"unreadable header: {exc}") from None
    rows: list[tuple[str, dict[str, str]]] = []
    issues: list[Issue] = []
    start = reader.line_num + 1
    try:
        for values in reader:
            location = f"line {start}"
            start = reader.line_num + 1
            if not values or all(not v.strip() for v in values):
                continue  # blank line: nothing to load, nothing lost
            if len(values) != len(header):
                issues.append(
                    Issue(
                        file_name,
                        location,
                        "",
                        f"has {len(values)} fields, the header has {len(header)}",
                    )
                )
                continue
            rows.append((location, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        issues.append(Issue(file_name, f"line {reader.line_num}", "", f"malformed CSV: {exc}"))
    if issues:
        raise IngestError(issues)
    return Records(header, rows, decimal_comma=delimiter == ";", encoding=encoding)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # repr keeps every digit a float really has, so 0.1 + 0.2 is refused as too precise
        # instead of being rounded into a plausible amount.
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def read_parquet(data: bytes, file_name: str) -> Records:
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise fail(file_name, "", "", f"not a readable Parquet file: {exc}") from None
    columns = [c.strip().lower() for c in table.column_names]
    rows = [
        (f"row {i}", {c: _as_text(v) for c, v in zip(columns, rec.values(), strict=True)})
        for i, rec in enumerate(table.to_pylist(), start=1)
    ]
    return Records(columns, rows, decimal_comma=False, encoding="parquet")


def read_json_records(data: bytes, file_name: str) -> Records:
    """A JSON array of objects, an object holding one such array, or JSON Lines."""
    text, encoding = decode_text(data, file_name)
    try:
        payload = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1:
            payload = []
            for no, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    payload.append(json.loads(line, parse_float=Decimal))
                except json.JSONDecodeError as line_exc:
                    raise fail(
                        file_name, f"line {no}", "", f"invalid JSON: {line_exc.msg}"
                    ) from None
        else:
            raise fail(file_name, f"line {exc.lineno}", "", f"invalid JSON: {exc.msg}") from None
    if isinstance(payload, dict):
        arrays = [v for v in payload.values() if isinstance(v, list)]
        if len(arrays) != 1:
            raise fail(file_name, "", "", "expected a JSON array of records")
        payload = arrays[0]
    if not isinstance(payload, list):
        raise fail(file_name, "", "", "expected a JSON array of records")
    rows: list[tuple[str, dict[str, str]]] = []
    columns: list[str] = []
    for i, rec in enumerate(payload, start=1):
        if not isinstance(rec, dict):
            raise fail(file_name, f"record {i}", "", "is not a JSON object")
        values = {str(k).strip().lower(): _as_json_text(v) for k, v in rec.items()}
        columns.extend(c for c in values if c not in columns)
        rows.append((f"record {i}", values))
    return Records(columns, rows, decimal_comma=False, encoding=encoding)


def _as_json_text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(_as_text(v) for v in value)
    return _as_text(value)

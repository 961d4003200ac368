"""The raw schema: one table per source entity, typed as parsed, plus lineage columns.

Raw tables keep every version of every row (append only) with the file it came from;
the latest version per key is chosen in staging, so history stays auditable.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from dataclasses import fields
from decimal import Decimal

import duckdb
import pyarrow as pa

from orchestration.ingest.bank_model import BankStatement, BankTransaction
from orchestration.ingest.bureau import BUREAU_COLUMNS
from orchestration.ingest.erp import SCHEMAS
from orchestration.ingest.ops_events import EVENT_COLUMNS
from orchestration.ingest.schema import Column

MONEY = "DECIMAL(18,2)"

_KIND_TYPES = {
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "amount": MONEY,
    "decimal": "DECIMAL(18,6)",
    "int": "INTEGER",
    "bool": "BOOLEAN",
}

LINEAGE = [
    ("_row_location", "VARCHAR"),  # "line 7" / "row 3" / "record 2" in the source file
    ("_row_number", "INTEGER"),  # order within the file; later rows win within one file
    ("_extra", "VARCHAR"),  # JSON of columns the contract does not know, kept not dropped
    ("_file_seq", "BIGINT"),  # raw.ingested_files.file_seq: arrival order across files
    ("_source_file", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
]

INGESTED_FILES = [
    ("file_seq", "BIGINT"),
    ("source", "VARCHAR"),
    ("entity", "VARCHAR"),
    ("file_name", "VARCHAR"),
    ("content_hash", "VARCHAR"),
    ("size_bytes", "BIGINT"),
    ("rows", "BIGINT"),
    ("duplicate_rows", "BIGINT"),
    ("status", "VARCHAR"),
    ("error", "VARCHAR"),
    ("archive_path", "VARCHAR"),
    ("quarantine_path", "VARCHAR"),
    ("encoding", "VARCHAR"),
    ("run_id", "VARCHAR"),
    ("ingested_at", "TIMESTAMP"),
    ("warnings", "VARCHAR"),  # loaded, but the file contradicts itself (e.g. balances)
    # the business day the file became known: the ingesting run's as-of day, never before
    # an earlier file's (so arrival follows file_seq); dbt's known_file_seq() reads it
    ("arrival_date", "DATE"),
]


def _from_columns(columns: list[Column]) -> list[tuple[str, str]]:
    return [(c.name, _KIND_TYPES.get(c.kind, "VARCHAR")) for c in columns]


def _python_type_sql(annotation: object) -> str:
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or args:
        annotation = next(a for a in args if a is not type(None))
    return {str: "VARCHAR", dt.date: "DATE", Decimal: MONEY, bool: "BOOLEAN", int: "INTEGER"}[
        annotation
    ]


def _from_dataclass(cls: type) -> list[tuple[str, str]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, _python_type_sql(hints[f.name])) for f in fields(cls)]


BANK_LINEAGE = [
    ("content_key", "VARCHAR"),
    ("_file_seq", "BIGINT"),
    ("source_file", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
]

#: table name (in schema raw) -> columns
TABLES: dict[str, list[tuple[str, str]]] = {
    "erp__customers": _from_columns(SCHEMAS["customers"]) + LINEAGE,
    "erp__documents": _from_columns(SCHEMAS["documents"]) + LINEAGE,
    "erp__payments": _from_columns(SCHEMAS["payments"]) + LINEAGE,
    "bureau__reports": _from_columns(BUREAU_COLUMNS) + LINEAGE,
    "ops__events": _from_columns(EVENT_COLUMNS) + LINEAGE,
    "bank__transactions": _from_dataclass(BankTransaction) + BANK_LINEAGE,
    "bank__statements": _from_dataclass(BankStatement) + BANK_LINEAGE[1:],
    "ops__app_events": [
        ("event_id", "VARCHAR"),
        ("at", "TIMESTAMP"),
        ("actor", "VARCHAR"),
        ("customer_id", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("type", "VARCHAR"),
        ("amount", MONEY),
        ("currency", "VARCHAR"),
        ("until", "DATE"),
        ("text", "VARCHAR"),
        ("reference", "VARCHAR"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    "ops__allocation_reversals": [
        ("reversal_id", "VARCHAR"),
        ("at", "TIMESTAMP"),
        ("actor", "VARCHAR"),
        ("payment_id", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("posting_date", "DATE"),
        ("reason", "VARCHAR"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    "ops__dunning_levels": [
        ("document_id", "VARCHAR"),
        ("dunning_level", "INTEGER"),
        ("last_dunned_date", "DATE"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    "reference__fx_rates": [
        ("rate_date", "DATE"),
        ("currency", "VARCHAR"),
        ("units_per_eur", "DECIMAL(18,6)"),
        ("_source_file", "VARCHAR"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    # how far each day's copy of the ops store read it (orchestration/loading/app_events.py)
    "ops__copy_marks": [
        ("as_of_date", "DATE"),
        ("source", "VARCHAR"),
        ("mark", "VARCHAR"),
        ("copied_at", "TIMESTAMP"),
    ],
    "ingested_files": INGESTED_FILES,
}


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and tables, adding columns a newer version introduced."""
    con.execute("create schema if not exists raw")
    for table, columns in TABLES.items():
        ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
        con.execute(f"create table if not exists raw.{table} ({ddl})")
        for name, sql_type in columns:
            con.execute(f'alter table raw.{table} add column if not exists "{name}" {sql_type}')


def _arrow_type(sql_type: str) -> pa.DataType:
    if sql_type.startswith("DECIMAL"):
        precision, scale = (int(x) for x in sql_type[8:-1].split(","))
        return pa.decimal128(precision, scale)
    return {
        "VARCHAR": pa.string(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
        "INTEGER": pa.int32(),
        "BIGINT": pa.int64(),
        "BOOLEAN": pa.bool_(),
    }[sql_type]


def to_arrow(table: str, rows: list[dict[str, object]]) -> pa.Table:
    """Rows (dicts keyed by column) as an Arrow table typed exactly like ``raw.<table>``."""
    columns = TABLES[table]
    arrays = []
    for name, sql_type in columns:
        values = [row.get(name) for row in rows]
        if name == "_extra":
            values = [json.dumps(v, ensure_ascii=False) if v else None for v in values]
        arrays.append(pa.array(values, type=_arrow_type(sql_type)))
    return pa.Table.from_arrays(arrays, names=[name for name, _ in columns])


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> int:
    if not rows:
        return 0
    batch = to_arrow(table, rows)  # noqa: F841 - referenced by name in the SQL below
    names = ", ".join(f'"{name}"' for name, _ in TABLES[table])
    con.execute(f"insert into raw.{table} ({names}) select {names} from batch")
    return len(rows)

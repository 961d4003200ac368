"""Ingest the files waiting in landing/: validate, load into raw.*, archive or quarantine.

Every file is handled on its own: a bad file is quarantined with its reason and stops
nothing else. A file whose content was loaded before is a no-op. Rows, the
``raw.ingested_files`` record and nothing else are committed in one transaction, after the
file is safely in the archive, so a crash at any point leaves a state the next run repairs.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from core.business_day import business_today
from core.settings import Settings
from orchestration.ingest.bank_model import ParsedBankFile
from orchestration.ingest.bureau import normalise_vat_id, parse_bureau
from orchestration.ingest.erp import ENTITIES, erp_entity, parse_erp
from orchestration.ingest.errors import IngestError, fail
from orchestration.ingest.ops_events import parse_ops_events
from orchestration.loading import files, raw_tables
from orchestration.loading.bank import BankConflict, dedupe_bank_file, parse_bank_file
from orchestration.loading.parse_ahead import ParsedAhead, parsed_ahead

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileResult:
    """What happened to one landing file."""

    source: str
    file_name: str
    status: str  # loaded | skipped | quarantined
    entity: str | None = None
    rows: int = 0
    duplicate_rows: int = 0
    reason: str | None = None
    path: str | None = None  # where the file is now (archive or quarantine)
    warnings: str | None = None  # loaded, with doubts worth a look (unbalanced statement)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    def by_status(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    def rows_loaded(self) -> int:
        return sum(f.rows for f in self.files)

    def as_dicts(self) -> list[dict[str, object]]:
        return [asdict(f) for f in self.files]


@dataclass(frozen=True)
class _Parsed:
    entity: str
    tables: dict[str, list[dict[str, object]]]  # raw table -> rows
    encoding: str | None = None
    warnings: str | None = None


def ingest_source(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    source: str,
    *,
    run_id: str | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    as_of: date | None = None,
) -> IngestReport:
    """Ingest every file waiting in ``landing/<source>`` in arrival order.

    ``as_of`` is the business day of the run (its partition; default today in
    Europe/Berlin): the files' arrival day, which past as-of dates are answered by."""
    raw_tables.ensure_raw_schema(con)
    report = IngestReport()
    paths = _ordered(settings, source)
    arrival = Arrival(run_id, arrival_day(con, as_of))
    limit = settings.max_file_bytes(source)
    ahead_paths = [p for p in paths if p.stat().st_size <= limit] if source == "bank" else []
    with parsed_ahead(ahead_paths) as ahead:
        for path in paths:
            result = _ingest_file(settings, con, source, path, arrival, ahead)
            report.files.append(result)
            log.info("%s %s: %s (%s rows)", source, path.name, result.status, result.rows)
            if on_file:
                on_file(result)
    return report


@dataclass(frozen=True)
class Arrival:
    """Which run ingested a file, and on which business day it became known."""

    run_id: str | None
    day: date


def arrival_day(con: duckdb.DuckDBPyConnection, as_of: date | None) -> date:
    """The run's day, but never before the last file's arrival: a run for a past day that
    finds new files learns of them now, not then (arrival order = file_seq order)."""
    day = as_of or business_today()
    latest = con.execute("select max(arrival_date) from raw.ingested_files").fetchone()[0]
    return max(day, latest) if latest else day


def _ordered(settings: Settings, source: str) -> list[Path]:
    """ERP customers before documents before payments, so references resolve in one run."""
    paths = files.landing_files(settings, source)
    if source != "erp":
        return paths
    rank = {entity: i for i, entity in enumerate(ENTITIES)}
    return sorted(paths, key=lambda p: rank.get(erp_entity(p.name) or "", len(rank)))


def _ingest_file(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    source: str,
    path: Path,
    arrival: Arrival,
    ahead: ParsedAhead,
) -> FileResult:
    size, limit = path.stat().st_size, settings.max_file_bytes(source)
    if size > limit:
        digest = files.content_hash_of(path)
        reason = (
            f"the file has {size / 2**20:.1f} MB, more than the {limit // 2**20} MB a {source} "
            f"file may have; it was not read. Split it, or raise the limit with "
            f"FORDERWERK_MAX_FILE_MB_{source.upper()} if the machine has the memory (a file is "
            "parsed in memory: about 12 times its size for a bank statement)"
        )
        return _quarantine(settings, con, source, path, size, digest, reason, arrival)
    data = path.read_bytes()
    digest = files.content_hash(data)
    bank_parsed = ahead.take(path)
    if _already_loaded(con, digest):
        path.unlink()
        return FileResult(source, path.name, "skipped", reason="same content loaded before")
    try:
        parsed = _parse(con, source, path.name, data, bank_parsed)
        duplicates = dedupe_bank_file(con, parsed.tables) if source == "bank" else 0
    except (IngestError, BankConflict) as exc:
        return _quarantine(settings, con, source, path, len(data), digest, str(exc), arrival)
    except Exception as exc:  # a parser bug must not stop the other files either
        log.exception("unexpected error while ingesting %s", path)
        reason = f"internal error while reading the file: {exc!r}\n{traceback.format_exc(limit=3)}"
        return _quarantine(settings, con, source, path, len(data), digest, reason, arrival)
    archived = files.archive(settings, path, digest)
    rows = _commit(con, source, path.name, parsed, digest, len(data), duplicates, archived, arrival)
    path.unlink()
    return FileResult(
        source,
        path.name,
        "loaded",
        parsed.entity,
        rows,
        duplicates,
        path=str(archived),
        warnings=parsed.warnings,
    )


def _already_loaded(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    found = con.execute(
        "select 1 from raw.ingested_files where content_hash = ? and status = 'loaded' limit 1",
        [digest],
    ).fetchone()
    return found is not None


def _known_customers(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        row[0]
        for row in con.execute("select distinct customer_id from raw.erp__customers").fetchall()
    }


def _vat_index(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """VAT id -> customer id, from each customer's latest version."""
    rows = con.execute(
        """select customer_id, vat_id from raw.erp__customers where vat_id is not null
           qualify row_number() over (partition by customer_id
                                      order by _file_seq desc, _row_number desc) = 1"""
    ).fetchall()
    return {normalise_vat_id(vat): customer for customer, vat in rows}


def _parse(
    con: duckdb.DuckDBPyConnection,
    source: str,
    name: str,
    data: bytes,
    bank_parsed: ParsedBankFile | None = None,
) -> _Parsed:
    if source == "erp":
        table = parse_erp(data, name, _known_customers(con))
        return _Parsed(
            table.entity,
            {f"erp__{table.entity}": table.rows},
            table.encoding,
            warnings="\n".join(map(str, table.warnings)) or None,
        )
    if source == "bureau":
        rows = parse_bureau(data, name, _known_customers(con), _vat_index(con))
        return _Parsed("reports", {"bureau__reports": rows})
    if source == "ops":
        if not name.lower().startswith("events"):
            raise fail(name, "", "", "file name fits no ops source (expected events*.csv)")
        return _Parsed(
            "events", {"ops__events": parse_ops_events(data, name, _known_customers(con))}
        )
    if source == "bank":
        parsed = bank_parsed or parse_bank_file(data, name)
        warnings = "\n".join(str(w) for w in parsed.warnings) or None
        return _Parsed(
            "transactions",
            {
                # flat records of scalars: vars() copies them as asdict() would, without
                # its recursive deep copy (a quarter of a bank file's ingest time)
                "bank__transactions": [
                    vars(t) | {"content_key": t.content_key()} for t in parsed.transactions
                ],
                "bank__statements": [dict(vars(s)) for s in parsed.statements],
            },
            warnings=warnings,
        )
    raise fail(name, "", "", f"unknown landing source {source!r}")


def _next_seq(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select coalesce(max(file_seq), 0) + 1 from raw.ingested_files").fetchone()[
        0
    ]


def _commit(
    con: duckdb.DuckDBPyConnection,
    source: str,
    name: str,
    parsed: _Parsed,
    digest: str,
    size: int,
    duplicates: int,
    archived: Path,
    arrival: Arrival,
) -> int:
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        seq = _next_seq(con)
        loaded = 0
        for table, rows in parsed.tables.items():
            lineage = {
                "_file_seq": seq,
                "_loaded_at": now,
                "_source_file": name,
                "source_file": name,
            }
            for number, row in enumerate(rows, start=1):
                row.update(lineage)
                row.setdefault("_row_number", number)
                row.setdefault("_row_location", row.pop("_line", None))
            inserted = raw_tables.insert(con, table, rows)
            if table != "bank__statements":
                loaded += inserted
        _record(
            con,
            seq,
            source,
            parsed.entity,
            name,
            digest,
            size,
            loaded,
            duplicates,
            "loaded",
            None,
            str(archived),
            None,
            parsed.encoding,
            arrival.run_id,
            now,
            parsed.warnings,
            arrival.day,
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return loaded


def _quarantine(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    source: str,
    path: Path,
    size: int,
    digest: str,
    reason: str,
    arrival: Arrival,
) -> FileResult:
    target = files.quarantine(settings, path, digest, reason)
    now = datetime.now(UTC).replace(tzinfo=None)
    _record(
        con,
        _next_seq(con),
        source,
        None,
        path.name,
        digest,
        size,
        0,
        0,
        "quarantined",
        reason,
        None,
        str(target),
        None,
        arrival.run_id,
        now,
        None,
        arrival.day,
    )
    return FileResult(source, path.name, "quarantined", reason=reason, path=str(target))


def _record(con: duckdb.DuckDBPyConnection, *values: object) -> None:
    names = [name for name, _ in raw_tables.INGESTED_FILES]
    placeholders = ", ".join("?" for _ in names)
    con.execute(
        f"insert into raw.ingested_files ({', '.join(names)}) values ({placeholders})", list(values)
    )

"""Load reference data (ECB FX rates) into raw.reference__*, replacing it when it changed."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from core.settings import Settings
from orchestration.ingest.reference import parse_ecb_rates
from orchestration.loading import files, raw_tables


def load_fx_rates(
    settings: Settings, con: duckdb.DuckDBPyConnection, run_id: str | None = None
) -> int:
    """Replace raw.reference__fx_rates with the current ECB file; a no-op if unchanged.

    Returns the number of rates now loaded. The file is read from the workspace if a user
    dropped a newer one there, else from the bundled seeds (Settings.fx_rates_file).
    """
    raw_tables.ensure_raw_schema(con)
    path = settings.fx_rates_file
    data = path.read_bytes()
    digest = files.content_hash(data)
    loaded = con.execute(
        """select rows from raw.ingested_files
           where source = 'reference' and content_hash = ? and status = 'loaded'
             and file_seq = (select max(file_seq) from raw.ingested_files
                              where source = 'reference')""",
        [digest],
    ).fetchone()
    if loaded is not None:
        return int(loaded[0])
    rows = parse_ecb_rates(data, path.name)
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in rows:
        row.update({"_source_file": str(path), "_loaded_at": now})
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.reference__fx_rates")
        raw_tables.insert(con, "reference__fx_rates", rows)
        seq = con.execute(
            "select coalesce(max(file_seq), 0) + 1 from raw.ingested_files"
        ).fetchone()[0]
        names = [name for name, _ in raw_tables.INGESTED_FILES]
        values = [
            seq,
            "reference",
            "fx_rates",
            path.name,
            digest,
            len(data),
            len(rows),
            0,
            "loaded",
            None,
            str(path),
            None,
            "utf-8",
            run_id,
            now,
            None,
            None,  # reference data is not read by arrival
        ]
        con.execute(
            f"insert into raw.ingested_files ({', '.join(names)}) "
            f"values ({', '.join('?' for _ in names)})",
            values,
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)

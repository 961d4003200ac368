"""``forderwerk backup`` / ``restore``: a consistent copy of the warehouse, the ops store and
the manifests of the archive and the outbox, and putting one back.

Consistent means taken together, under the workspace's run lock: no run writes the
warehouse meanwhile, and the ops store (which the app may write at any moment) is copied
with SQLite's online backup, so its copy is one transaction's state. The two copies then
carry matching continuity marks (orchestration/continuity.py) and pass the check after a
restore. The archive itself is content-addressed and never changes, so the backup lists it
(name, size, SHA-256 and ingestion order) instead of copying gigabytes; a restore refuses
when an archived file the warehouse relies on is gone.

A restore puts back an older ledger. Whatever was sent after the backup would be sent again,
so a restore refuses to replace an ops store whose action ledger is further along than the
backup's unless a person accepts exactly that (``accept_newer_ledger`` with a reason); the
replaced files are kept beside the workspace, never deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.settings import Settings
from orchestration import continuity
from orchestration.loading.warehouse import connect, table_names

MANIFEST = "backup.json"
WAREHOUSE = "warehouse.duckdb"
OPS_STORE = "ops.sqlite"
FORMAT = 1


class BackupError(RuntimeError):
    """A backup cannot be taken or restored; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    backup: Path
    kept_aside: list[Path]  # the files the restore replaced, kept beside the workspace
    problems: list[str]  # what the continuity check finds after the restore (none, usually)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(settings: Settings, target: Path | None = None) -> Path:
    """Copy warehouse and ops store into ``target`` (default
    ``<home>/backups/<UTC time>``) with a manifest; the caller holds the run lock."""
    if not settings.warehouse_path.exists():
        raise BackupError(f"there is no warehouse at {settings.warehouse_path} to back up")
    stamp = _now()
    folder = target or settings.home / "backups" / stamp.strftime("%Y%m%dT%H%M%SZ")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    with connect(settings) as con:
        con.execute("checkpoint")
        archive = (
            con.execute(
                "select file_seq, source, file_name, content_hash, size_bytes, archive_path "
                "from raw.ingested_files where status = 'loaded' order by file_seq"
            ).fetchall()
            if "raw.ingested_files" in table_names(con)
            else []
        )
    shutil.copyfile(settings.warehouse_path, folder / WAREHOUSE)
    if settings.ops_store_path.exists():
        sqlite_backup(settings.ops_store_path, folder / OPS_STORE)
    files = {
        name: {"sha256": sha256_of(folder / name), "bytes": (folder / name).stat().st_size}
        for name in (WAREHOUSE, OPS_STORE)
        if (folder / name).exists()
    }
    manifest = {
        "format": FORMAT,
        "created_at": stamp.isoformat(timespec="seconds"),
        "home": str(settings.home),
        "files": files,
        "archive": [
            {
                "file_seq": seq,
                "source": source,
                "file_name": name,
                "sha256": digest,
                "bytes": size,
                "path": _relative(settings, path),
            }
            for seq, source, name, digest, size, path in archive
        ],
        "outbox": _outbox_manifest(settings),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def sqlite_backup(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the app writes."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _relative(settings: Settings, path: str | None) -> str | None:
    if not path:
        return None
    try:
        return str(Path(path).resolve().relative_to(settings.home))
    except ValueError:
        return path


def _outbox_manifest(settings: Settings) -> list[dict[str, object]]:
    root = settings.home / "outbox"
    if not root.is_dir():
        return []
    return [
        {
            "path": str(p.relative_to(settings.home)),
            "sha256": sha256_of(p),
            "bytes": p.stat().st_size,
        }
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    ]


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} is not a Forderwerk backup (no {MANIFEST})")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest


def verify(settings: Settings, folder: Path) -> list[str]:
    """What is wrong with the backup for this workspace: damaged copies, archived files the
    warehouse needs that are gone. Empty when it can be restored."""
    manifest = read_manifest(folder)
    found = []
    for name, expected in manifest["files"].items():
        copy = folder / name
        if not copy.exists():
            found.append(f"{copy} is missing")
        elif sha256_of(copy) != expected["sha256"]:
            found.append(f"{copy} is damaged (SHA-256 differs from the manifest)")
    for entry in manifest["archive"]:
        path = entry["path"] and settings.home / entry["path"]
        if not path or not Path(path).exists():
            found.append(
                f"archived file #{entry['file_seq']} {entry['file_name']} "
                f"({entry['sha256'][:12]}) is not in {settings.archive_dir}"
            )
    return found


def restore(
    settings: Settings,
    folder: Path,
    *,
    accept_newer_ledger: str | None = None,
    actor: str,
) -> RestoreReport:
    """Put the backup's warehouse and ops store in place; the caller holds the run lock.

    The current files are kept beside the workspace (``*.before-restore-<time>``). Refused
    when the backup is damaged or its archived files are gone, and when the current ops
    store's action ledger is further along than the backup's, unless
    ``accept_newer_ledger`` gives the reason a person accepts that."""
    problems = verify(settings, folder)
    if problems:
        raise BackupError(
            "the backup cannot be restored:\n" + "\n".join(f"- {p}" for p in problems)
        )
    current = continuity.ops_state(settings)
    saved = continuity.ops_state_of(folder / OPS_STORE) if (folder / OPS_STORE).exists() else None
    saved_log = saved.max_log_id if saved else 0
    if current.max_log_id > saved_log and not (accept_newer_ledger or "").strip():
        raise BackupError(
            f"the current action ledger reaches entry {current.max_log_id}, the backup's only "
            f"{saved_log}: restoring it would forget actions taken since the backup, and "
            'the next run would send them again. Pass --accept-newer-ledger "reason" if a '
            "person has checked that nothing went out since."
        )
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    kept = []
    for name, live in ((WAREHOUSE, settings.warehouse_path), (OPS_STORE, settings.ops_store_path)):
        copy = folder / name
        if not copy.exists():
            continue
        if live.exists():
            aside = live.with_name(f"{live.name}.before-restore-{stamp}")
            os.replace(live, aside)
            kept.append(aside)
        partial = live.with_name(f".{live.name}.restoring")
        shutil.copyfile(copy, partial)
        os.replace(partial, live)
    continuity.log_decision(
        settings,
        actor,
        f"restored {folder}" + (f": {accept_newer_ledger.strip()}" if accept_newer_ledger else ""),
        [f"ledger entry {current.max_log_id} replaced by {saved_log}"]
        if current.max_log_id > saved_log
        else [],
    )
    return RestoreReport(folder, kept, continuity.problems(settings))

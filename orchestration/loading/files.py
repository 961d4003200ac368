"""Landing, archive and quarantine: where a file is, and where it goes after ingestion."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from core.settings import Settings


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash_of(path: Path) -> str:
    """:func:`content_hash` of a file read in chunks (a file too large to read whole)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def landing_files(settings: Settings, source: str) -> list[Path]:
    """Files waiting in ``landing/<source>``, in arrival order (mtime, then name)."""
    folder = settings.landing(source)
    if not folder.is_dir():
        return []
    files = [
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".reason.txt")
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def archive(settings: Settings, path: Path, digest: str) -> Path:
    """Keep the file under its content hash; archiving the same content twice is a no-op."""
    target = settings.archive_dir / digest[:2] / digest / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copy2(path, tmp)
        os.replace(tmp, target)
    return target


def quarantine(settings: Settings, path: Path, digest: str, reason: str) -> Path:
    """Move a refused file aside with a ``.reason.txt`` a person can read next to it."""
    settings.quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = settings.quarantine_dir / path.name
    if target.exists() and content_hash(target.read_bytes()) != digest:
        target = settings.quarantine_dir / f"{digest[:12]}__{path.name}"
    shutil.move(str(path), target)
    target.with_name(target.name + ".reason.txt").write_text(
        reason.rstrip() + "\n", encoding="utf-8"
    )
    return target


def stage_into_landing(settings: Settings, files: list[Path], source: str) -> list[Path]:
    """Copy files into ``landing/<source>`` keeping their order as arrival order."""
    folder = settings.landing(source)
    folder.mkdir(parents=True, exist_ok=True)
    staged = []
    base_ns = max((p.stat().st_mtime_ns for p in landing_files(settings, source)), default=0)
    for offset, file in enumerate(files, start=1):
        target = folder / file.name
        shutil.copyfile(file, target)
        ns = max(base_ns, target.stat().st_mtime_ns) + offset
        os.utime(target, ns=(ns, ns))
        staged.append(target)
    return staged

"""Every path and environment setting Forderwerk uses, resolved in one place.

Nothing else reads ``os.environ``: callers get a :class:`Settings` (usually from
:func:`load_settings`) and ask it for absolute paths, so no behaviour depends on the
current working directory.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The repository (or installed source tree) root: the folder holding dbt_project/ and seeds/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
SAMPLE_DIR = SEEDS_DIR / "sample"

LANDING_SOURCES = ("erp", "bank", "bureau", "ops")
#: The largest file each landing source takes, in MB (FORDERWERK_MAX_FILE_MB_<SOURCE>).
#: A file is parsed in memory: a bank statement of 200 MB took 2.5 GB. The generated
#: company of 10 M invoices writes at most 42 MB of camt.053 a day, 95 MB of customers, and
#: 92 MB of CRM events; a larger file is quarantined unread, naming the limit to raise.
MAX_FILE_MB = {"erp": 1024, "bank": 100, "bureau": 512, "ops": 256}
OUTBOX_KINDS = ("email", "letters", "agency", "worklists")
FX_RATES_FILE = "eurofxref-hist.csv"


@dataclass(frozen=True)
class Settings:
    """The workspace layout of DESIGN.md, anchored at an absolute ``home``."""

    home: Path
    dbt_project_dir: Path = DBT_PROJECT_DIR
    sendgrid_api_key: str | None = None
    sendgrid_host: str | None = None
    mail_from: str | None = None
    duckdb_threads: int | None = None
    duckdb_memory_limit: str | None = None
    #: how long a run waits for another run of the same workspace before it gives up
    run_lock_timeout: float = 4 * 3600.0
    #: the share of customers or open items a new snapshot may lose before it is held
    publish_max_drop: float = 0.25
    #: demo users (``make demo``'s documented passwords) may sign in (FORDERWERK_DEMO_USERS)
    demo_users: bool = False
    #: minutes without a click after which an app session ends (FORDERWERK_SESSION_IDLE_MINUTES)
    session_idle_minutes: int = 30
    #: (source, MB) pairs: the largest file each landing source takes (MAX_FILE_MB)
    max_file_mb: tuple[tuple[str, int], ...] = tuple(MAX_FILE_MB.items())

    def max_file_bytes(self, source: str) -> int:
        """The largest file ``landing/<source>`` takes, in bytes."""
        return dict(self.max_file_mb)[source] * 1024 * 1024

    @property
    def landing_dir(self) -> Path:
        return self.home / "landing"

    def landing(self, source: str) -> Path:
        if source not in LANDING_SOURCES:
            raise ValueError(
                f"unknown landing source {source!r}; expected one of {LANDING_SOURCES}"
            )
        return self.landing_dir / source

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving_path(self) -> Path:
        return self.home / "serving" / "warehouse.duckdb"

    @property
    def ops_store_path(self) -> Path:
        return self.home / "ops.sqlite"

    @property
    def users_file(self) -> Path:
        return self.home / "users.yaml"

    def outbox(self, kind: str) -> Path:
        if kind not in OUTBOX_KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}; expected one of {OUTBOX_KINDS}")
        return self.home / "outbox" / kind

    @property
    def fx_rates_file(self) -> Path:
        """ECB rates: a copy dropped into the workspace wins over the bundled one."""
        dropped = self.home / "reference" / FX_RATES_FILE
        return dropped if dropped.exists() else SEEDS_DIR / "reference" / FX_RATES_FILE

    @property
    def run_lock_path(self) -> Path:
        return self.home / "run.lock"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def dbt_environment(self) -> dict[str, str]:
        """Environment variables the dbt profile reads (dbt_project/profiles.yml)."""
        env = {"FORDERWERK_WAREHOUSE": str(self.warehouse_path)}
        if self.duckdb_threads:
            env["FORDERWERK_DUCKDB_THREADS"] = str(self.duckdb_threads)
        if self.duckdb_memory_limit:
            env["FORDERWERK_DUCKDB_MEMORY_LIMIT"] = self.duckdb_memory_limit
        return env

    def ensure_workspace(self) -> None:
        """Create the workspace folders (idempotent)."""
        for source in LANDING_SOURCES:
            self.landing(source).mkdir(parents=True, exist_ok=True)
        for kind in OUTBOX_KINDS:
            self.outbox(kind).mkdir(parents=True, exist_ok=True)
        for folder in (
            self.archive_dir,
            self.quarantine_dir,
            self.serving_path.parent,
            self.dagster_home,
        ):
            folder.mkdir(parents=True, exist_ok=True)


def dbt_executable() -> str:
    """The dbt installed beside this Python, so dbt runs without an activated venv."""
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin"):
        if (folder / "dbt").exists():
            return str(folder / "dbt")
    return shutil.which("dbt") or "dbt"


def worker_processes(variable: str, environ: Mapping[str, str] | None = None) -> int:
    """Worker processes for a parallel step: the variable (e.g. FORDERWERK_RENDER_WORKERS)
    when set, else the machine's cores; 0 or 1 means the step runs in-process."""
    configured = (os.environ if environ is None else environ).get(variable)
    if configured:
        return max(0, int(configured))
    return os.cpu_count() or 1


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from the environment (DESIGN.md, Configuration)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("FORDERWERK_HOME") or "data").expanduser().resolve()
    dbt_dir = env.get("FORDERWERK_DBT_PROJECT_DIR")
    threads = env.get("FORDERWERK_DUCKDB_THREADS")
    lock_timeout = env.get("FORDERWERK_RUN_LOCK_TIMEOUT")
    max_drop = env.get("FORDERWERK_PUBLISH_MAX_DROP")
    return Settings(
        home=home,
        dbt_project_dir=Path(dbt_dir).resolve() if dbt_dir else DBT_PROJECT_DIR,
        sendgrid_api_key=env.get("SENDGRID_API_KEY") or None,
        sendgrid_host=env.get("FORDERWERK_SENDGRID_HOST") or None,
        mail_from=env.get("FORDERWERK_MAIL_FROM") or None,
        duckdb_threads=int(threads) if threads else None,
        duckdb_memory_limit=env.get("FORDERWERK_DUCKDB_MEMORY_LIMIT") or None,
        run_lock_timeout=float(lock_timeout) if lock_timeout else Settings.run_lock_timeout,
        publish_max_drop=float(max_drop) if max_drop else Settings.publish_max_drop,
        demo_users=(env.get("FORDERWERK_DEMO_USERS") or "").lower() in ("1", "true", "yes"),
        session_idle_minutes=int(env.get("FORDERWERK_SESSION_IDLE_MINUTES") or 30),
        max_file_mb=tuple(
            (source, int(env.get(f"FORDERWERK_MAX_FILE_MB_{source.upper()}") or default))
            for source, default in MAX_FILE_MB.items()
        ),
    )

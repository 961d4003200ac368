"""The benchmark's company: generated once per size and seed, split into history and one day.

The generator simulates a company up to its end date ``E``. The benchmark needs that
history *and* one more day to feed the daily increment, so the simulated world is rendered
twice: everything dated before ``E`` as the "base" landing files (the pipeline runs them
for ``E - 1``), and everything dated ``E`` (documents issued, ERP payments, bank statements,
bureau reports and CRM events of that day) as the "increment" files. Output is cached under
``<cache>/n<invoices>-s<seed>/`` and reused while its ``company.json`` exists.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tools.generate.company import World, render, simulate
from tools.generate.config import SAMPLE_END, CompanyConfig
from tools.generate.writers import ops

#: customers per invoice of the issue's top size (10 M invoices, 500 k customers)
INVOICES_PER_CUSTOMER = 20
PARTS = ("base", "increment")
SOURCES = ("erp", "bank", "bureau", "ops")


@dataclass(frozen=True)
class BenchCompany:
    """Where a generated company's landing files are and which days they cover."""

    folder: Path
    invoices: int
    customers: int
    seed: int
    end: date  # the increment's day
    counts: dict[str, dict[str, int]]  # part -> what it holds

    @property
    def base_day(self) -> date:
        """The as-of date of the base pipeline run: the day before the increment."""
        return self.end - timedelta(days=1)

    def landing(self, part: str, source: str) -> Path:
        return self.folder / part / source

    def files(self, part: str, source: str) -> list[Path]:
        folder = self.landing(part, source)
        return sorted(folder.iterdir()) if folder.is_dir() else []


def customers_for(invoices: int) -> int:
    return max(50, invoices // INVOICES_PER_CUSTOMER)


def ensure_company(cache_dir: Path, invoices: int, seed: int, day_share: int = 1) -> BenchCompany:
    """The cached company of this size and seed, generated first if missing (untimed).
    ``day_share`` k > 1 keeps the increment day's activity of one customer in k (and one
    bank entry in k): a day the size of a company k times smaller, on the whole history,
    for comparing the increment's cost across history sizes."""
    name = f"n{invoices}-s{seed}" + (f"-d{day_share}" if day_share > 1 else "")
    folder = cache_dir / name / "company"
    marker = folder / "company.json"
    if not marker.exists():
        _generate(folder, invoices, seed, day_share)
    meta = json.loads(marker.read_text())
    return BenchCompany(
        folder=folder,
        invoices=meta["invoices"],
        customers=meta["customers"],
        seed=meta["seed"],
        end=date.fromisoformat(meta["end"]),
        counts=meta["counts"],
    )


def _generate(folder: Path, invoices: int, seed: int, day_share: int = 1) -> None:
    config = CompanyConfig(
        seed=seed, customers=customers_for(invoices), invoices=invoices, end=SAMPLE_END
    )
    world = simulate(config)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    day = config.end
    base, increment = split_world(world, day)
    increment = thinned(increment, day_share)
    _write(partial / "base", _landing_files(config, base))
    _write(partial / "increment", _increment_files(config, increment, day))
    events_base, events_day = split_events(ops.events_csv(world.events), day, day_share)
    _write(partial / "base", [("ops/events_crm.csv", events_base)])
    if events_day.count(b"\n") > 1:  # the ingestion refuses header-only extracts
        _write(partial / "increment", [(f"ops/events_crm_day{day}.csv", events_day)])
    meta = {
        "invoices": invoices,
        "customers": config.customers,
        "seed": seed,
        "day_share": day_share,
        "end": day.isoformat(),
        "counts": {"base": _counts(base), "increment": _counts(increment)},
    }
    (partial / "company.json").write_text(json.dumps(meta, indent=1) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def split_world(world: World, day: date) -> tuple[World, World]:
    """(everything dated before ``day``, everything dated ``day``); CRM events are split
    after rendering, since their ids are numbered over the whole list."""

    def part(keep) -> World:
        return dataclasses.replace(
            world,
            invoices=[d for d in world.invoices if keep(d.issue_date)],
            credit_notes=[d for d in world.credit_notes if keep(d.issue_date)],
            outcome=dataclasses.replace(
                world.outcome,
                erp_payments=[p for p in world.outcome.erp_payments if keep(p.payment_date)],
            ),
            statements={
                key: [s for s in statements if keep(s.day)]
                for key, statements in world.statements.items()
            },
            events=[],
            reports={
                name: [r for r in reports if keep(r.report_date)]
                for name, reports in world.reports.items()
            },
        )

    return part(lambda d: d < day), part(lambda d: d == day)


def thinned(world: World, share: int) -> World:
    """The day's activity of one customer in ``share`` (by a hash of the customer id, so a
    customer's documents, payments and reports stay together) and one bank entry in
    ``share`` of each statement; the statements keep their opening balances."""
    if share <= 1:
        return world

    def kept(customer_id: str | None) -> bool:
        return customer_id is not None and _bucket(customer_id, share)

    return dataclasses.replace(
        world,
        invoices=[d for d in world.invoices if kept(d.customer.customer_id)],
        credit_notes=[d for d in world.credit_notes if kept(d.customer.customer_id)],
        outcome=dataclasses.replace(
            world.outcome,
            erp_payments=[p for p in world.outcome.erp_payments if kept(p.customer_id)],
        ),
        statements={
            key: [dataclasses.replace(s, entries=s.entries[::share]) for s in statements]
            for key, statements in world.statements.items()
        },
        reports={
            name: [r for r in reports if kept(r.customer_id)]
            for name, reports in world.reports.items()
        },
    )


def _bucket(key: str, share: int) -> bool:
    return zlib.crc32(key.encode()) % share == 0


def split_events(content: bytes, day: date, share: int = 1) -> tuple[bytes, bytes]:
    """The CRM export split into events before ``day`` and events on ``day`` (by ``at``),
    of the latter those of one customer in ``share`` (as ``thinned``)."""
    rows = list(csv.reader(io.StringIO(content.decode())))
    header, body = rows[0], rows[1:]
    at, customer = header.index("at"), header.index("customer_id")
    before = [r for r in body if r[at][:10] < day.isoformat()]
    on_day = [r for r in body if r[at][:10] == day.isoformat() and _bucket(r[customer], share)]
    return _csv_bytes(header, before), _csv_bytes(header, on_day)


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _landing_files(config: CompanyConfig, world: World) -> Iterator[tuple[str, bytes]]:
    """The landing files one at a time: at 10 M invoices they hold about 9 GB, which are
    written as they are rendered rather than collected first."""
    for relative, content in render(config, world):
        if relative.startswith("truth/"):
            return  # the truth files come last and are not needed here
        if relative.startswith("landing/") and not relative.startswith("landing/ops/"):
            yield relative.removeprefix("landing/"), content


def _increment_files(config: CompanyConfig, world: World, day: date) -> Iterator[tuple[str, bytes]]:
    """The day's files, named apart from the base files of the same month."""
    for relative, content in _landing_files(config, world):
        source, name = relative.split("/", 1)
        if source == "erp" and name.startswith("customers"):
            continue  # the master data is in the base extract
        if day.isoformat() not in name:
            stem, dot, ext = name.partition(".")
            name = f"{stem}_day{day.isoformat()}{dot}{ext}"
        yield f"{source}/{name}", content


def _write(folder: Path, files: Iterable[tuple[str, bytes]]) -> None:
    for relative, content in files:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _counts(world: World) -> dict[str, int]:
    entries = [e for ss in world.statements.values() for s in ss for e in s.entries]
    return {
        "invoices": len(world.invoices),
        "credit_notes": len(world.credit_notes),
        "erp_payments": len(world.outcome.erp_payments),
        "bank_statements": sum(len(ss) for ss in world.statements.values()),
        "bank_transactions": sum(len(e.txs) for e in entries),
        "bureau_reports": sum(len(r) for r in world.reports.values()),
    }

"""``generate_company``: simulate the sample company and write its landing files, truth and
manifest. Same arguments, byte-identical output."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from tools.generate import bureau as bureau_model
from tools.generate.behaviour import InvoicePlan, plan_customer
from tools.generate.config import COLLECTORS, SAMPLE_END, CompanyConfig
from tools.generate.customers import build_customers
from tools.generate.dates import previous_business_day
from tools.generate.documents import (
    draw_generic_credit_notes,
    draw_invoices,
    number_documents,
)
from tools.generate.events import build_events
from tools.generate.ledger import ACCOUNTS, Statement, build_statements
from tools.generate.model import DRIFTING, INSOLVENT, ZERO, Customer, Document, ErpPayment
from tools.generate.payments import Outcome, settle_customer
from tools.generate.writers import bureau as bureau_writer
from tools.generate.writers import camt, erp, mt940, ops, truth


def generate_company(
    out_dir: Path,
    *,
    seed: int = 42,
    customers: int = 150,
    invoices: int | None = None,
    start: date | None = None,
    end: date = SAMPLE_END,
) -> dict:
    """Write a synthetic company under ``out_dir`` (landing/, truth/, manifest.json) and return
    summary counts. Existing files of the same names are overwritten, others are left alone."""
    config = CompanyConfig(seed=seed, customers=customers, invoices=invoices, start=start, end=end)
    world = simulate(config)
    out_dir = Path(out_dir)
    written = []
    for relative, content in render(config, world):  # one file in memory at a time
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(
            {"path": relative, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        )
    written.sort(key=lambda f: f["path"])
    counts = _counts(world)
    manifest = {
        "generator": "forderwerk generate",
        "format_version": 1,
        "seed": config.seed,
        "customers": config.customers,
        "invoices": config.invoice_count,
        "start": config.start_date.isoformat(),
        "end": config.end.isoformat(),
        "counts": counts,
        "files": written,
    }
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    )
    return {
        **counts,
        **_receivables(config, world),
        "files": len(written) + 1,
        "bytes": sum(f["bytes"] for f in written),
    }


@dataclasses.dataclass
class World:
    """Everything the simulation decided, before rendering."""

    customers: list[Customer]
    invoices: list[Document]
    credit_notes: list[Document]
    plans: dict[str, list[InvoicePlan]]
    outcome: Outcome
    statements: dict[str, list[Statement]]
    events: list
    reports: dict[str, list[bureau_model.BureauReport]]
    delta: list[Customer]
    delta_date: date


def simulate(config: CompanyConfig) -> World:
    customers = build_customers(config)
    invoices = draw_invoices(config, customers)
    credit_notes = draw_generic_credit_notes(config, invoices, first_seq=len(invoices))
    by_customer: dict[str, list[Document]] = defaultdict(list)
    for invoice in invoices:
        by_customer[invoice.customer.customer_id].append(invoice)
    plans: dict[str, list[InvoicePlan]] = {}
    next_seq = [len(invoices) + len(credit_notes)]
    for customer in customers:
        plans[customer.customer_id], notes = plan_customer(
            config, customer, by_customer.get(customer.customer_id, []), next_seq
        )
        credit_notes.extend(notes)
    number_documents(invoices + credit_notes)
    notes_by_customer: dict[str, list[Document]] = defaultdict(list)
    for note in credit_notes:
        notes_by_customer[note.customer.customer_id].append(note)
    outcome = Outcome()
    for customer in customers:
        settle_customer(
            config,
            customer,
            plans[customer.customer_id],
            notes_by_customer.get(customer.customer_id, []),
            outcome,
        )
    _number_erp_payments(outcome.erp_payments)
    statements = build_statements(config, outcome.payments)
    events = build_events(config, customers, plans)
    reports = bureau_model.build_reports(config, customers)
    delta_date = previous_business_day(config.end - timedelta(days=6))
    delta = _customer_delta(config, customers, delta_date)
    return World(
        customers,
        invoices,
        credit_notes,
        plans,
        outcome,
        statements,
        events,
        reports,
        delta,
        delta_date,
    )


def _number_erp_payments(payments: list[ErpPayment]) -> None:
    payments.sort(
        key=lambda p: (p.payment_date, p.customer_id, p.document.document_id if p.document else "")
    )
    counters: dict[int, int] = {}
    for p in payments:
        counters[p.payment_date.year] = counters.get(p.payment_date.year, 0) + 1
        p.payment_id = f"ZA-{p.payment_date.year}-{counters[p.payment_date.year]:06d}"


def _customer_delta(config: CompanyConfig, customers: list[Customer], day: date) -> list[Customer]:
    """A few master-data changes shortly before the end: limits cut for customers in trouble,
    raised for good ones, and accounts moved between collectors."""
    rng = config.rng("customer-delta")
    changed = []
    for c in customers:
        if c.personality == INSOLVENT and c.insolvency_date and c.insolvency_date <= day:
            changed.append(dataclasses.replace(c, credit_limit=ZERO))
        elif c.personality == DRIFTING and c.drift_start and c.drift_start <= day:
            half = (c.credit_limit / 2000).to_integral_value(ROUND_FLOOR) * 1000
            changed.append(dataclasses.replace(c, credit_limit=half.quantize(Decimal("0.01"))))
        elif rng.random() < 0.04:
            if rng.random() < 0.5 and c.customer_type == "B2B":
                raised = (c.credit_limit * Decimal("1.5") / 1000).to_integral_value(
                    ROUND_FLOOR
                ) * 1000
                changed.append(
                    dataclasses.replace(c, credit_limit=raised.quantize(Decimal("0.01")))
                )
            else:
                other = [name for name in COLLECTORS if name != c.collector]
                changed.append(dataclasses.replace(c, collector=rng.choice(other)))
    if not changed and customers:
        c = customers[0]
        other = [name for name in COLLECTORS if name != c.collector]
        changed.append(dataclasses.replace(c, collector=other[0]))
    return changed


def render(config: CompanyConfig, world: World) -> Iterator[tuple[str, bytes]]:
    """Every output file as (path relative to the output folder, content), one at a time."""
    start, end = config.start_date, config.end
    yield "landing/erp/customers.csv", erp.customers_full(world.customers)
    yield (
        f"landing/erp/customers_delta_{world.delta_date.isoformat()}.csv",
        erp.customers_delta(world.delta),
    )
    documents = world.invoices + world.credit_notes
    for name, content in erp.monthly_documents(documents, start, end):
        yield f"landing/erp/{name}", content
    for name, content in erp.monthly_payments(world.outcome.erp_payments, start, end):
        yield f"landing/erp/{name}", content
    yield from _bank_files(world.statements)
    for name, reports in world.reports.items():
        if reports:  # a bureau sends no empty file
            writer = (
                bureau_writer.bureau_json if name.endswith(".json") else bureau_writer.bureau_csv
            )
            yield f"landing/bureau/{name}", writer(reports)
    if world.events:
        yield "landing/ops/events_crm.csv", ops.events_csv(world.events)
    yield "truth/bank_payments.csv", truth.bank_payments(world.statements)
    yield "truth/personalities.csv", truth.personalities(world.customers)
    disputed = {
        p.invoice.document_id
        for plans in world.plans.values()
        for p in plans
        if p.dispute is not None and p.dispute.resolved is None
    }
    yield "truth/open_items.csv", truth.open_items(documents, disputed, end)


def _bank_files(statements: dict[str, list[Statement]]) -> Iterator[tuple[str, bytes]]:
    for key, account in ACCOUNTS.items():
        by_month: dict[str, list[Statement]] = defaultdict(list)
        for statement in statements[key]:
            if account.format == "camt053":
                name = f"landing/bank/camt053_{account.suffix}_{statement.day.isoformat()}.xml"
                yield name, camt.camt053(statement)
            else:
                by_month[f"{statement.day:%Y-%m}"].append(statement)
        for month, month_statements in by_month.items():
            if account.format == "mt940":
                yield f"landing/bank/mt940_{month}.sta", mt940.mt940(month_statements)
            else:
                yield (
                    f"landing/bank/camt054_psp_{month}.xml",
                    camt.camt054(account, month_statements, month),
                )


def _counts(world: World) -> dict[str, int]:
    """What the simulation produced (also in the manifest)."""
    entries = [e for ss in world.statements.values() for s in ss for e in s.entries]
    open_docs = [d for d in world.invoices + world.credit_notes if d.open != 0]
    counts = {
        "customers": len(world.customers),
        "invoices": len(world.invoices),
        "credit_notes": len(world.credit_notes),
        "customer_payments": len(world.outcome.payments),
        "erp_payments": len(world.outcome.erp_payments),
        "bank_statements": sum(len(ss) for ss in world.statements.values()),
        "bank_entries": len(entries),
        "bank_transactions": sum(len(e.txs) for e in entries),
        "returns": sum(1 for e in entries if e.is_return),
        "crm_events": len(world.events),
        "bureau_reports": sum(len(r) for r in world.reports.values()),
        "open_documents": len(open_docs),
    }
    for key in ACCOUNTS:
        counts[f"payments_{key}"] = sum(1 for p in world.outcome.payments if p.channel == key)
    return counts


def _receivables(config: CompanyConfig, world: World) -> dict[str, str]:
    """Open EUR receivables at the end date and the share of them that is overdue."""
    receivables = [d for d in world.invoices if d.open > 0 and d.currency == "EUR"]
    overdue = sum((d.open for d in receivables if d.due_date < config.end), ZERO)
    open_eur = sum((d.open for d in receivables), ZERO)
    share = overdue / open_eur if open_eur else ZERO
    return {"open_receivables_eur": f"{open_eur:.2f}", "overdue_share_eur": f"{share:.3f}"}

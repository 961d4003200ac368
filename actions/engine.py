"""The daily dunning run: decide -> approve -> render -> deliver, every action written to
the ledger first. Plain functions (no Dagster): ``run_dunning`` for the asset,
``preview`` for ``forderwerk dunning preview``.

A run may stop anywhere (a crash, a killed process) and the next run continues: actions
are planned idempotently (same key, same row), an action found ``delivering`` was cut off
while going out (a file is simply written again; an e-mail handed to SendGrid becomes
``uncertain`` and is not resent without a person), ``planned``/``approved`` actions are
rendered, ``rendered`` ones delivered, ``failed`` ones retried with backoff for a few runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import sqlalchemy as sa

from actions import approvals, delivery, ledger, legal, render_pool, rendering
from actions.company import COMPANY_FILE, Company, load_company
from actions.ops_store import all_events, engine_for
from actions.planning import Context, Plan, plan_day
from actions.policy import PROCEDURES_DIR, Policy, load_policy
from actions.stops import Stop, StopChecker, customers_with_lapsed_promises, merge_events
from actions.warehouse import WarehouseData, read_events, read_warehouse
from core.settings import Settings

#: warehouse worklist tasks the engine carries out itself (with a ledger entry)
ENGINE_TASKS = ("phone_step", "follow_up_broken_promise")


@dataclass(frozen=True)
class EngineConfig:
    retry: delivery.RetryPolicy = field(default_factory=delivery.RetryPolicy)
    payment_grace_days: int = 5
    approval_expiry_days: int = 14
    procedures_dir: Path = PROCEDURES_DIR
    law_dir: Path = legal.LAW_DIR
    company_file: Path = COMPANY_FILE
    templates_dir: Path = rendering.TEMPLATES_DIR


@dataclass
class RunReport:
    as_of: date
    planned: list[str] = field(default_factory=list)  # action ids new in this run
    awaiting_approval: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    decisions: list[approvals.Decision] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    attention: list[dict] = field(default_factory=list)  # ledger.needs_attention() after

    def counts(self) -> dict[str, int]:
        keys = ("planned", "awaiting_approval", "sent", "failed", "uncertain", "cancelled")
        return {k: len(getattr(self, k)) for k in keys} | {"stops": len(self.stops)}


@dataclass(frozen=True)
class _Setup:
    policy: Policy
    laws: dict[str, legal.Law]
    company: Company


def _setup(config: EngineConfig) -> _Setup:
    policy = load_policy(config.procedures_dir)
    laws = {p.law: legal.load_law(p.law, config.law_dir) for p in policy.procedures.values()}
    return _Setup(policy, laws, load_company(config.company_file))


def _context(
    setup: _Setup,
    data: WarehouseData,
    events: list[dict],
    engine: sa.Engine,
    config: EngineConfig,
) -> Context:
    """Planning's context: ``events`` are the bulk and live ops events merged (_read);
    the ledger's histories are read for the documents the run can touch only."""
    histories = ledger.document_histories(engine, _documents(data))
    checker = StopChecker(
        data.as_of,
        events=events,
        payments=data.payments,
        unapplied=data.unapplied,
        histories=histories,
        open_credits=[r for r in data.open_items.values() if r["document_type"] == "credit_note"],
        customers=data.customers,
        payment_grace_days=config.payment_grace_days,
    )
    return Context(setup.policy, setup.laws, setup.company, histories, checker)


def _documents(data: WarehouseData) -> set[str]:
    """Every document a run can plan for, cancel or stop: the open items read (which
    include those of the proposals and of pending actions) and the proposals'."""
    return set(data.open_items) | {p["document_id"] for p in data.proposals}


def _after_cancellations(ctx: Context, engine: sa.Engine, data: WarehouseData) -> Context:
    """The context once cancel_stale changed the ledger: a cancelled action no longer
    stands for its documents, so their histories are read again (the stops' other
    inputs are unchanged)."""
    histories = ledger.document_histories(engine, _documents(data))
    ctx.checker.histories = histories
    return dataclasses.replace(ctx, histories=histories)


def run_dunning(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    config: EngineConfig | None = None,
    engine: sa.Engine | None = None,
) -> RunReport:
    """The day's dunning run on the warehouse ``con`` (built for ``as_of``): decide and
    record, then render and deliver whatever is ready (also what earlier runs left)."""
    config = config or EngineConfig()
    engine = engine or engine_for(settings)
    setup = _setup(config)
    report, data = _decide(con, as_of, config, engine, setup)
    report.rendered, render_failures = render_ready(engine, setup.company, config)
    report.failed += render_failures
    sent, failed, uncertain = deliver_ready(settings, engine, setup.company, config)
    report.sent += sent
    report.failed += failed
    report.uncertain += uncertain
    report.attention = ledger.needs_attention(engine)
    write_worklists(settings, engine, as_of, data.worklist)
    return report


def plan_and_record(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    config: EngineConfig | None = None,
    engine: sa.Engine | None = None,
) -> RunReport:
    """Only the first half of a run: decide and write the day's actions to the ledger,
    route those needing approval; nothing is rendered or delivered."""
    config = config or EngineConfig()
    engine = engine or engine_for(settings)
    return _decide(con, as_of, config, engine, _setup(config))[0]


def _decide(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    config: EngineConfig,
    engine: sa.Engine,
    setup: _Setup,
) -> tuple[RunReport, WarehouseData]:
    report = RunReport(as_of=as_of)
    report.uncertain += recover_interrupted(engine)
    report.decisions += approvals.apply_decisions(engine)
    report.cancelled += approvals.expire_approvals(engine, as_of, config.approval_expiry_days)
    data, events = _read(con, as_of, config, engine)
    ctx = _context(setup, data, events, engine, config)
    cancelled = cancel_stale(engine, data, ctx)
    report.cancelled += cancelled
    if cancelled:
        ctx = _after_cancellations(ctx, engine, data)
    plan = plan_day(data, ctx)
    report.stops, report.skipped = plan.stops, plan.skipped
    report.planned = record_plan(engine, plan)
    report.awaiting_approval = route_for_approval(engine)
    report.decisions += approvals.apply_decisions(engine)
    return report, data


def _read(
    con: duckdb.DuckDBPyConnection, as_of: date, config: EngineConfig, engine: sa.Engine
) -> tuple[WarehouseData, list[dict]]:
    """What the run needs from the warehouse: besides the proposals, the documents of
    actions not yet delivered (cancel_stale checks them) and the customers whose promise
    lapsed (broken-promise tasks), never every open item; and the ops events, bulk and
    live, merged once."""
    pending = ledger.actions(engine, states=ledger.CANCELLABLE_STATES)
    items = ledger.items(engine, [a["action_id"] for a in pending])
    bulk_events = read_events(con)
    events = merge_events(bulk_events, all_events(engine))
    data = read_warehouse(
        con,
        as_of,
        payments_after=_payments_after(as_of, config),
        documents={i["document_id"] for rows in items.values() for i in rows},
        customers=customers_with_lapsed_promises(events, as_of),
        events=bulk_events,
    )
    return data, events


def _payments_after(as_of: date, config: EngineConfig) -> date:
    """The payments a stop can look at: those of the grace window (StopChecker)."""
    return as_of - timedelta(days=config.payment_grace_days)


def recover_interrupted(engine: sa.Engine) -> list[str]:
    """Actions a crash left ``delivering``: files are written again (idempotent); an
    e-mail possibly accepted by SendGrid becomes ``uncertain``."""
    uncertain = []
    for action in ledger.actions(engine, states=("delivering",)):
        if action["artifact"] == "sendgrid":
            ledger.transition(
                engine,
                action["action_id"],
                "uncertain",
                expected=("delivering",),
                detail="interrupted while handing the e-mail to SendGrid: check its activity "
                f"feed for custom arg forderwerk_action_id={action['action_id']}",
            )
            uncertain.append(action["action_id"])
        else:
            ledger.transition(
                engine,
                action["action_id"],
                "rendered",
                expected=("delivering",),
                detail="interrupted while writing the file: write it again",
            )
    return uncertain


def cancel_stale(engine: sa.Engine, data: WarehouseData, ctx: Context) -> list[str]:
    """Cancel actions not yet delivered whose documents were paid, changed or stopped since
    they were planned: they would state wrong figures or dun someone who must not be."""
    pending = ledger.actions(engine, states=ledger.CANCELLABLE_STATES)
    items = ledger.items(engine, [a["action_id"] for a in pending])
    stale = {
        action["action_id"]: why
        for action in pending
        if (why := _stale_reason(items[action["action_id"]], data, ctx, action["action"]))
    }
    _hold_mass_cancellation(pending, stale)
    # one transaction (a commit per action cost 2 s for a thousand): a crash cancels none,
    # and the next run finds the same ones stale again
    with engine.begin() as tx:
        return ledger.transition_all(tx, stale, "cancelled", expected=ledger.CANCELLABLE_STATES)


#: from this many notices waiting for approval, losing all of them at once is suspect
MASS_CANCELLATION_MIN = 3


class MassCancellation(RuntimeError):
    """Every notice waiting for approval would be cancelled at once: a person decides."""


def _hold_mass_cancellation(pending: list[dict], stale: dict[str, str]) -> None:
    """Stop the run before it cancels every notice waiting for approval: the credit
    manager's whole queue vanishing in one run is what an empty or truncated warehouse
    looks like, not what a day of payments does. A person rejects them if it is real."""
    waiting = [a["action_id"] for a in pending if a["state"] == "awaiting_approval"]
    if len(waiting) >= MASS_CANCELLATION_MIN and all(a in stale for a in waiting):
        reasons = sorted({stale[a] for a in waiting})
        raise MassCancellation(
            f"all {len(waiting)} notices waiting for approval would be cancelled in this run "
            f"({'; '.join(reasons[:3])}{' ...' if len(reasons) > 3 else ''}); nothing was "
            "cancelled or sent. Check the warehouse's data; if they really are all stale, "
            "reject them (`forderwerk reject ACTION... --reason`) and run again."
        )


def _stale_reason(items: list[dict], data: WarehouseData, ctx: Context, kind: str) -> str | None:
    for item in items:
        now = data.open_items.get(item["document_id"])
        if now is None or Decimal(now["open_amount"]) <= 0:
            return f"{item['document_id']} is no longer open"
        if Decimal(now["open_amount"]) != Decimal(item["open_amount"]):
            return f"{item['document_id']}: open amount changed to {now['open_amount']}"
        stop = ctx.checker.stop_for(now, check_payments=False)
        if stop is not None and not (
            kind == "agency_handover" and stop.reason.startswith("agency")
        ):
            return f"{item['document_id']}: {stop.reason} ({stop.text})"
    return None


def record_plan(engine: sa.Engine, plan: Plan) -> list[str]:
    """Write the planned actions (before anything is rendered or sent)."""
    return ledger.insert_actions(engine, plan.actions)


def route_for_approval(engine: sa.Engine) -> list[str]:
    """Planned actions that need a person's approval wait for it (one transaction: nothing
    has left the house yet, and a crash only leaves them planned for the next run)."""
    waiting = [a for a in ledger.actions(engine, states=("planned",)) if a["requires_approval"]]
    with engine.begin() as con:
        return ledger.transition_all(
            con,
            {a["action_id"]: a["approval_reasons"] for a in waiting},
            "awaiting_approval",
            expected=("planned",),
        )


#: rendered actions committed per transaction (a crash re-renders at most one batch)
RENDER_COMMIT_BATCH = 200


def render_ready(
    engine: sa.Engine, company: Company, config: EngineConfig
) -> tuple[list[str], list[str]]:
    """Render planned actions that need no approval and approved ones."""
    ready = [
        a
        for a in ledger.actions(engine, states=("planned", "approved"))
        if a["state"] == "approved" or not a["requires_approval"]
    ]
    items = ledger.items(engine, [a["action_id"] for a in ready])
    rendered, failed = [], []
    outs = render_pool.render_all(ready, items, company, config)
    pairs = iter(zip(ready, outs, strict=True))
    while batch := list(itertools.islice(pairs, RENDER_COMMIT_BATCH)):
        with engine.begin() as con:
            for action, out in batch:
                if _store_render(con, action, out):
                    rendered.append(action["action_id"])
                elif out.content is None:
                    failed.append(action["action_id"])
    return rendered, failed


def _store_render(con: sa.Connection, action: dict, out: render_pool.Rendered) -> bool:
    """The render saved and the action ``rendered``; a failed render marks it ``failed``
    (a broken template must show, not stop the run)."""
    if out.content is None:
        ledger.transition_in(
            con,
            action["action_id"],
            "failed",
            expected=(action["state"],),
            last_error=f"rendering failed: {out.error}",
            detail="rendering failed",
        )
        return False
    ledger.save_render(con, action["action_id"], **out.content)
    return ledger.transition_in(con, action["action_id"], "rendered", expected=(action["state"],))


def render_action(action: dict, items: list[dict], company: Company, config: EngineConfig) -> dict:
    """What the action delivers: e-mail subject/text/HTML, the letter PDF, a call script.
    An agency handover is a data file written at delivery; nothing to render."""
    if action["channel"] == "agency":
        return {"subject": None, "text_body": None, "html_body": None, "pdf": None}
    context = rendering.build_context(action, items, company)
    out = rendering.render(context, config.templates_dir)
    pdf = (
        rendering.letter_pdf(out.html_body, config.templates_dir)
        if action["channel"] == "letter"
        else None
    )
    return {
        "subject": out.subject,
        "text_body": out.text_body,
        "html_body": out.html_body,
        "pdf": pdf,
    }


def deliver_ready(
    settings: Settings, engine: sa.Engine, company: Company, config: EngineConfig
) -> tuple[list[str], list[str], list[str]]:
    """Deliver rendered actions and failed ones whose retry is due; returns the ids sent,
    failed and uncertain (possibly accepted by the provider: never resent by itself)."""
    now = ledger.utcnow()
    ready = [
        a
        for a in ledger.actions(engine, states=("rendered", "failed"))
        if a["state"] == "rendered"
        or (
            a["next_attempt_at"] is not None
            and a["next_attempt_at"] <= now
            and a["attempts"] < config.retry.max_runs
        )
    ]
    sent, failed, uncertain = [], [], []
    day_files = _DayFiles(engine)
    for action in ready:
        transport = delivery.email_transport(settings) if action["channel"] == "email" else "file"
        if not ledger.begin_delivery(
            engine, action["action_id"], expected=(action["state"],), transport=transport
        ):
            continue
        try:
            result = _deliver(settings, engine, action, company, config, day_files)
        except delivery.DeliveryUncertain as exc:
            ledger.transition(
                engine,
                action["action_id"],
                "uncertain",
                expected=("delivering",),
                last_error=str(exc),
                next_attempt_at=None,
                detail=f"{exc} ({exc.attempts} call(s))",
            )
            uncertain.append(action["action_id"])
            continue
        except delivery.DeliveryError as exc:
            attempts = action["attempts"] + 1
            retry_at = None
            if exc.retryable and attempts < config.retry.max_runs:
                retry_at = ledger.utcnow() + config.retry.next_run_delay(attempts)
            ledger.transition(
                engine,
                action["action_id"],
                "failed",
                expected=("delivering",),
                last_error=str(exc),
                next_attempt_at=retry_at,
                artifact=None,
                detail=f"{exc} ({exc.attempts} call(s)); "
                + (f"retry after {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else "no retry"),
            )
            failed.append(action["action_id"])
            continue
        ledger.transition(
            engine,
            action["action_id"],
            "sent",
            expected=("delivering",),
            delivered_at=ledger.utcnow(),
            artifact=result.artifact,
            provider_message_id=result.provider_message_id,
            last_error=None,
            next_attempt_at=None,
            detail=f"{result.artifact} ({result.attempts} call(s))",
        )
        sent.append(action["action_id"])
        day_files.sent(action)
    return sent, failed, uncertain


def _deliver(
    settings: Settings,
    engine: sa.Engine,
    action: dict,
    company: Company,
    config: EngineConfig,
    day_files: _DayFiles,
) -> delivery.Delivered:
    content = ledger.render_of(engine, action["action_id"]) or {}
    as_of, channel = action["as_of_date"], action["channel"]
    if channel == "email":
        entity = company.entity(action["entity"])
        customer = action["payload"]["customer"]
        email = delivery.Email(
            action_id=action["action_id"],
            to_address=customer.get("email") or "",
            to_name=customer.get("name") or "",
            from_address=settings.mail_from or entity.email,
            from_name=entity.name,
            reply_to=entity.email,
            subject=content["subject"],
            text_body=content["text_body"],
            html_body=content["html_body"],
        )
        return delivery.send_email(settings, email, as_of, config.retry)
    if channel == "letter":
        if not action["payload"]["customer"].get("street"):
            raise delivery.DeliveryError("the customer has no postal address", retryable=False)
        return delivery.write_letter(
            settings,
            action["action_id"],
            as_of,
            content["pdf"],
            day_files.letter_rows(action, content["pdf"]),
        )
    if channel == "phone":
        collector = action["payload"].get("collector") or "unassigned"
        rows = day_files.task_rows(as_of, collector, extra=action)
        return delivery.write_worklist(settings, collector, as_of, rows)
    if channel == "agency":
        agency = action["payload"]["agency"]["id"]
        return delivery.write_agency_file(
            settings, agency, as_of, day_files.agency_rows(as_of, agency, action)
        )
    raise delivery.DeliveryError(f"unknown channel {channel!r}", retryable=False)


class _DayFiles:
    """The rows of a day's collective files (print manifest, collector worklists, agency
    files), which are rewritten whole after each delivery so a file only ever lists what
    was delivered: the day's sent actions are read from the ledger once per channel and
    kept current as the pass sends more, and each action's row(s) and PDF digest are built
    once. Re-reading the ledger, every render and every PDF per delivery made a pass
    quadratic in the day's actions (1 000 letters hashed 500 000 PDFs)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._sent: dict[tuple[date, str], dict[str, dict]] = {}
        self._rows: dict[str, list[dict]] = {}

    def _day(self, as_of: date, channel: str) -> dict[str, dict]:
        key = (as_of, channel)
        if key not in self._sent:
            self._sent[key] = {
                a["action_id"]: a
                for a in ledger.actions(self.engine, as_of=as_of, states=("sent",))
                if a["channel"] == channel
            }
        return self._sent[key]

    def sent(self, action: dict) -> None:
        """``action`` was delivered: from now on its rows belong in the day's files."""
        key = (action["as_of_date"], action["channel"])
        if key in self._sent:
            self._sent[key][action["action_id"]] = action

    def delivered(self, as_of: date, channel: str, extra: dict | None) -> list[dict]:
        """The day's sent actions of ``channel`` and ``extra`` (being delivered), in ledger
        order."""
        day = dict(self._day(as_of, channel))
        if extra is not None:
            day[extra["action_id"]] = extra
        return sorted(day.values(), key=lambda a: (a["customer_id"], a["action_id"]))

    def _rows_of(self, actions: list[dict], build) -> list[dict]:
        missing = [a for a in actions if a["action_id"] not in self._rows]
        if missing:
            items = ledger.items(self.engine, [a["action_id"] for a in missing])
            for a in missing:
                self._rows[a["action_id"]] = build(a, items[a["action_id"]])
        return [row for a in actions for row in self._rows[a["action_id"]]]

    def letter_rows(self, letter: dict, pdf: bytes) -> list[dict]:
        """The print manifest's rows: the day's letters sent so far and ``letter`` (whose
        PDF digest is taken from ``pdf``; earlier letters' files are hashed once)."""
        self._rows.pop(letter["action_id"], None)
        rows = self._rows_of(
            self.delivered(letter["as_of_date"], "letter", letter),
            lambda a, _items: [_letter_row(a)],
        )
        current = self._rows[letter["action_id"]][0]
        current["sha256"], current["bytes"] = hashlib.sha256(pdf).hexdigest(), len(pdf)
        return rows

    def task_rows(self, as_of: date, collector: str, extra: dict | None = None) -> list[dict]:
        tasks = [
            a
            for a in self.delivered(as_of, "phone", extra)
            if (a["payload"].get("collector") or "unassigned") == collector
        ]
        return self._rows_of(tasks, lambda a, its: [_task_row(self.engine, a, its, collector)])

    def agency_rows(self, as_of: date, agency: str, extra: dict) -> list[dict]:
        handovers = [
            a
            for a in self.delivered(as_of, "agency", extra)
            if a["payload"]["agency"]["id"] == agency
        ]
        return self._rows_of(handovers, _agency_rows)


def _letter_row(a: dict) -> dict:
    customer = a["payload"]["customer"]
    return {
        "action_id": a["action_id"],
        "customer_id": a["customer_id"],
        "recipient": customer.get("name"),
        "street": customer.get("street"),
        "postal_code": customer.get("postal_code"),
        "city": customer.get("city"),
        "country": customer.get("country"),
        "level": a["level"],
        "language": a["language"],
        "total_amount": a["total_amount"],
        "currency": a["currency"],
    }


def _task_row(engine: sa.Engine, a: dict, its: list[dict], collector: str) -> dict:
    render = ledger.render_of(engine, a["action_id"]) or {}
    customer = a["payload"]["customer"]
    return {
        "date": a["as_of_date"],
        "collector": collector,
        "source": "dunning",
        "task": "follow_up_broken_promise" if a["action"] == "broken_promise" else "phone_step",
        "priority": 2 if a["action"] == "broken_promise" else 3,
        "customer_id": a["customer_id"],
        "customer_name": customer.get("name"),
        "phone": customer.get("phone"),
        "documents": " ".join(i["document_id"] for i in its),
        "amount": sum((Decimal(i["open_amount"]) for i in its), Decimal("0.00")),
        "currency": a["currency"],
        "reason": a["reason"],
        "due_date": a["as_of_date"],
        "action_id": a["action_id"],
        "script": (render.get("text_body") or "").strip(),
    }


def _agency_rows(a: dict, its: list[dict]) -> list[dict]:
    """One row per document handed over to the agency with ``a``."""
    customer = a["payload"]["customer"]
    rows = []
    for i in its:
        fees = Decimal(i["earlier_fees"]) + Decimal(i["flat_fee"])
        interest = i["interest_amount"]
        rows.append(
            {
                "action_id": a["action_id"],
                "handover_date": a["as_of_date"],
                "customer_id": a["customer_id"],
                "customer_name": customer.get("name"),
                "street": customer.get("street"),
                "postal_code": customer.get("postal_code"),
                "city": customer.get("city"),
                "country": customer.get("country"),
                "email": customer.get("email"),
                "phone": customer.get("phone"),
                "document_id": i["document_id"],
                "issue_date": i["issue_date"],
                "due_date": i["due_date"],
                "currency": i["currency"],
                "open_amount": i["open_amount"],
                "interest": interest,
                "interest_status": i["interest_status"],
                "fees": fees,
                "claim_total": Decimal(i["open_amount"]) + Decimal(interest or 0) + fees,
            }
        )
    return rows


def write_worklists(
    settings: Settings, engine: sa.Engine, as_of: date, mart_rows: list[dict]
) -> list[Path]:
    """Every collector's list for the day: the engine's tasks and the warehouse's."""
    by_collector: dict[str, list[dict]] = {}
    for row in mart_rows:
        if row.get("task") in ENGINE_TASKS:
            continue
        by_collector.setdefault(row.get("collector") or "unassigned", []).append(
            {
                "date": as_of,
                "collector": row.get("collector") or "unassigned",
                "source": "warehouse",
                "task": row.get("task"),
                "priority": row.get("priority"),
                "customer_id": row.get("customer_id"),
                "documents": row.get("document_id") or "",
                "amount": row.get("amount_at_stake"),
                "currency": row.get("reporting_currency"),
                "reason": row.get("reason"),
                "due_date": row.get("due_date"),
                "action_id": row.get("worklist_task_id"),
            }
        )
    day_files = _DayFiles(engine)
    tasks = day_files.delivered(as_of, "phone", None)
    collectors = set(by_collector) | {a["payload"].get("collector") or "unassigned" for a in tasks}
    paths = []
    for collector in sorted(collectors):
        rows = day_files.task_rows(as_of, collector)
        result = delivery.write_worklist(
            settings, collector, as_of, rows, by_collector.get(collector, [])
        )
        paths.append(Path(result.artifact))
    return paths


# --- preview ----------------------------------------------------------------------------


@dataclass
class DunningPreview:
    as_of: date
    actions: list[dict]  # what a run would plan now (nothing is written)
    stops: list[Stop]
    skipped: list[tuple[str, str]]
    awaiting_approval: list[dict]  # already in the ledger
    failed: list[dict]
    uncertain: list[dict]

    def rows(self) -> list[dict]:
        return self.actions


def preview(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    config: EngineConfig | None = None,
    engine: sa.Engine | None = None,
) -> DunningPreview:
    """What the next dunning run would do for ``as_of``, sending and writing nothing."""
    config = config or EngineConfig()
    engine = engine or engine_for(settings)
    setup = _setup(config)
    data, events = _read(con, as_of, config, engine)
    plan = plan_day(data, _context(setup, data, events, engine, config))
    rows = []
    for action in plan.actions:
        rows.append(
            {
                "action_id": action.action_id,
                "customer_id": action.customer_id,
                "channel": action.channel,
                "level": action.level,
                "action": action.action,
                "procedure": action.procedure,
                "template": action.template,
                "language": action.language,
                "documents": [i.document_id for i in action.items],
                "currency": action.currency,
                "open_amount": sum((i.open_amount for i in action.items), Decimal("0.00")),
                "interest": sum((i.interest_amount or 0 for i in action.items), Decimal("0.00")),
                "fees": sum((i.fees for i in action.items), Decimal("0.00")) + action.notice_fee,
                "total": action.total_amount,
                "interest_status": action.interest_status,
                "requires_approval": action.requires_approval,
                "approval_reasons": action.approval_reasons,
                "reason": action.reason,
            }
        )
    return DunningPreview(
        as_of=as_of,
        actions=rows,
        stops=plan.stops,
        skipped=plan.skipped,
        awaiting_approval=ledger.actions(engine, states=("awaiting_approval",)),
        failed=ledger.actions(engine, states=("failed",)),
        uncertain=ledger.actions(engine, states=("uncertain",)),
    )

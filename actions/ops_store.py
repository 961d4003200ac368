"""The operational store: what people enter (notes, promises, disputes, blocks, approvals,
task outcomes) and, later, the action ledger. SQLite under FORDERWERK_HOME by default;
any SQLAlchemy URL (PostgreSQL) works the same.

The warehouse never holds the only copy of user input: the app writes here at once, and the
pipeline copies the events into ``raw.ops__app_events`` at its next run. A write never
waits for a pipeline run, so nothing a user enters is lost while one is in progress.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from core.events import EVENT_TYPES
from core.settings import Settings

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),  # UTC, naive
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("customer_id", sa.String(100), nullable=False),
    sa.Column("document_id", sa.String(100)),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2, asdecimal=True)),
    sa.Column("currency", sa.String(3)),
    sa.Column("until", sa.Date),
    sa.Column("text", sa.Text),
    sa.Column("reference", sa.String(200)),  # e.g. the worklist task or proposal it answers
    sa.CheckConstraint(f"type in ({', '.join(repr(t) for t in EVENT_TYPES)})", name="event_type"),
)


@dataclass(frozen=True)
class Event:
    customer_id: str
    type: str
    actor: str
    document_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    until: date | None = None
    text: str | None = None
    reference: str | None = None


def engine_for(settings: Settings, url: str | None = None) -> sa.Engine:
    """The store's engine; creates the tables on first use (idempotent)."""
    engine = sa.create_engine(url or f"sqlite:///{settings.ops_store_path}")
    metadata.create_all(engine)
    # create_all adds the indexes of new tables only; a store made before an index was
    # declared gets it here (the dunning run's reads by state, document and proposal
    # must not scan every action of past years)
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    return engine


def record_event(engine: sa.Engine, event: Event) -> str:
    """Store one event with its actor and the time; returns its id."""
    if event.type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event.type!r}")
    if event.type == "promise" and (event.until is None or event.amount is None):
        raise ValueError("a promise needs the date it runs until and the promised amount")
    if event.amount is not None and not event.currency:
        raise ValueError("an amount needs its currency")
    event_id = f"app-{uuid.uuid4()}"
    with engine.begin() as con:
        con.execute(
            events.insert().values(
                event_id=event_id,
                at=datetime.now(UTC).replace(tzinfo=None),
                actor=event.actor,
                customer_id=event.customer_id,
                document_id=event.document_id,
                type=event.type,
                amount=event.amount,
                currency=event.currency,
                until=event.until,
                text=event.text,
                reference=event.reference,
            )
        )
    return event_id


def events_for(engine: sa.Engine, customer_id: str) -> list[dict]:
    """A customer's events, newest first (for the customer timeline)."""
    query = (
        sa.select(events).where(events.c.customer_id == customer_id).order_by(events.c.at.desc())
    )
    with engine.connect() as con:
        return [dict(row._mapping) for row in con.execute(query)]


def all_events(engine: sa.Engine) -> list[dict]:
    with engine.connect() as con:
        return [dict(row._mapping) for row in con.execute(sa.select(events).order_by(events.c.at))]


# --- the action ledger (dunning engine) ----------------------------------------------
# Every dunning action is written here before anything is delivered: a row per action
# (one delivery of one notice, task or agency handover) keyed by an idempotency key, its
# items (documents, with the figures stated), the rendered content exactly as delivered,
# and a log of every state change. actions/ledger.py holds the functions on these tables.

ACTION_STATES = (
    "planned",
    "awaiting_approval",
    "approved",
    "rejected",
    "rendered",
    "delivering",
    "sent",
    "failed",
    "uncertain",
    "cancelled",
)

dunning_actions = sa.Table(
    "dunning_actions",
    metadata,
    sa.Column("action_id", sa.String(40), primary_key=True),
    sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),  # sha256 hex
    sa.Column("key_text", sa.Text, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # notice | task | agency
    sa.Column("as_of_date", sa.Date, nullable=False),
    sa.Column("customer_id", sa.String(100), nullable=False),
    sa.Column("entity", sa.String(40)),
    sa.Column("channel", sa.String(20), nullable=False),  # email | letter | phone | agency
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("procedure", sa.String(60)),
    sa.Column("step_number", sa.Integer),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("template", sa.String(100)),
    sa.Column("language", sa.String(10)),
    sa.Column("currency", sa.String(3)),
    sa.Column("state", sa.String(20), nullable=False, index=True),
    sa.Column("requires_approval", sa.Boolean, nullable=False, default=False),
    sa.Column("approval_reasons", sa.Text),
    sa.Column("notice_fee", sa.Numeric(18, 2, asdecimal=True)),
    sa.Column("total_amount", sa.Numeric(18, 2, asdecimal=True)),
    sa.Column("interest_status", sa.String(10)),  # known | unknown | none
    sa.Column("reason", sa.Text),
    sa.Column("payload", sa.Text),  # JSON: recipient, address, collector, agency ...
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime),
    sa.Column("delivery_started_at", sa.DateTime),
    sa.Column("delivered_at", sa.DateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("artifact", sa.Text),  # path of the file written, if any
    sa.Column("provider_message_id", sa.String(200)),
    sa.Column("decided_by", sa.String(200)),
    sa.Column("decided_at", sa.DateTime),
    sa.Column("decision_text", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.CheckConstraint(
        f"state in ({', '.join(repr(s) for s in ACTION_STATES)})", name="action_state"
    ),
)

dunning_action_items = sa.Table(
    "dunning_action_items",
    metadata,
    sa.Column(
        "action_id", sa.String(40), sa.ForeignKey("dunning_actions.action_id"), primary_key=True
    ),
    sa.Column("document_id", sa.String(100), primary_key=True),
    # a run reads the histories of the day's documents only (ledger.document_histories)
    sa.Index("ix_dunning_action_items_document_id", "document_id"),
    sa.Column("proposal_id", sa.String(300), index=True),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("step_number", sa.Integer),
    sa.Column("issue_date", sa.Date),
    sa.Column("due_date", sa.Date),
    sa.Column("days_past_due", sa.Integer),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("open_amount", sa.Numeric(18, 2, asdecimal=True), nullable=False),
    sa.Column("interest_amount", sa.Numeric(18, 2, asdecimal=True)),  # null: unknown
    sa.Column("interest_status", sa.String(10), nullable=False),  # known | unknown | none
    sa.Column("interest_from", sa.Date),
    sa.Column("interest_note", sa.Text),
    sa.Column("earlier_fees", sa.Numeric(18, 2, asdecimal=True), nullable=False),
    sa.Column("flat_fee", sa.Numeric(18, 2, asdecimal=True), nullable=False),  # new here
    sa.Column("dunning_fee", sa.Numeric(18, 2, asdecimal=True), nullable=False),  # new here
    sa.Column("books_charges", sa.Boolean, nullable=False),  # this row books the new fees
)

dunning_action_log = sa.Table(
    "dunning_action_log",
    metadata,
    sa.Column("log_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action_id", sa.String(40), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("from_state", sa.String(20)),
    sa.Column("to_state", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(200)),
    sa.Column("detail", sa.Text),
)

dunning_renders = sa.Table(
    "dunning_renders",
    metadata,
    sa.Column(
        "action_id", sa.String(40), sa.ForeignKey("dunning_actions.action_id"), primary_key=True
    ),
    sa.Column("subject", sa.Text),
    sa.Column("text_body", sa.Text),
    sa.Column("html_body", sa.Text),
    sa.Column("pdf", sa.LargeBinary),
    sa.Column("rendered_at", sa.DateTime, nullable=False),
)


def events_where(
    engine: sa.Engine,
    *,
    customer_ids: list[str] | None = None,
    types: list[str] | None = None,
    references: list[str] | None = None,
    since: datetime | None = None,
) -> list[dict]:
    """Events matching every filter given (None: no filter on that field), oldest first;
    ``since``: recorded at or after that time (UTC, naive).

    The app reads its live state from here (open disputes, decided approvals, tasks done)
    so what a user saves shows at once, before the next pipeline run.
    """
    query = sa.select(events).order_by(events.c.at, events.c.event_id)
    if customer_ids is not None:
        query = query.where(events.c.customer_id.in_(customer_ids))
    if types is not None:
        query = query.where(events.c.type.in_(types))
    if references is not None:
        query = query.where(events.c.reference.in_(references))
    if since is not None:
        query = query.where(events.c.at >= since)
    with engine.connect() as con:
        return [dict(row._mapping) for row in con.execute(query)]


# --- reversals of posted cash allocations ----------------------------------------------
# A posted allocation (dbt: int_payment_allocations_posted) changes only by an explicit
# reversal: who, when, why, which payment and invoice, and the day it is posted. The
# pipeline copies these rows into raw.ops__allocation_reversals; the ledger model posts
# each once, on its posting date, and re-opens the invoice.

allocation_reversals = sa.Table(
    "allocation_reversals",
    metadata,
    sa.Column("reversal_id", sa.String(64), primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC, naive
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("payment_id", sa.String(200), nullable=False),
    sa.Column("document_id", sa.String(100), nullable=False),
    sa.Column("posting_date", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class Reversal:
    payment_id: str
    document_id: str
    actor: str
    reason: str
    posting_date: date


def record_reversal(engine: sa.Engine, reversal: Reversal) -> str:
    """Store one reversal request with its actor and the time; returns its id.

    Whether the payment has anything posted on the document is checked by the caller
    against the published marts; the ledger model reverses what is posted on the day.
    """
    if not reversal.reason.strip():
        raise ValueError("a reversal needs a reason")
    if not reversal.actor.strip():
        raise ValueError("a reversal needs an actor")
    reversal_id = f"rev-{uuid.uuid4()}"
    with engine.begin() as con:
        con.execute(
            allocation_reversals.insert().values(
                reversal_id=reversal_id,
                at=datetime.now(UTC).replace(tzinfo=None),
                actor=reversal.actor,
                payment_id=reversal.payment_id,
                document_id=reversal.document_id,
                posting_date=reversal.posting_date,
                reason=reversal.reason.strip(),
            )
        )
    return reversal_id


def all_reversals(engine: sa.Engine) -> list[dict]:
    query = sa.select(allocation_reversals).order_by(
        allocation_reversals.c.at, allocation_reversals.c.reversal_id
    )
    with engine.connect() as con:
        return [dict(row._mapping) for row in con.execute(query)]


# --- continuity marks (orchestration/continuity.py) ------------------------------------
# What this store has seen of the warehouse at the end of the last run, so that an empty
# or older warehouse is noticed before a run acts on it; and who accepted a state the
# marks contradicted, and why.

continuity = sa.Table(
    "continuity",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC, naive
)

continuity_log = sa.Table(
    "continuity_log",
    metadata,
    sa.Column("log_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC, naive
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("problems", sa.Text, nullable=False),  # what the check found, one per line
)

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

from orchestration.settings import Settings

EVENT_TYPES = (
    "note",
    "call",
    "promise",
    "dispute_opened",
    "dispute_resolved",
    "payment_plan",
    "dunning_block",
    "dunning_unblock",
    "approval",
    "rejection",
    "task_done",
)

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC, naive
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

"""Dunning actions sent to a customer, read from the action ledger in the ops store.

The ledger belongs to the dunning engine (actions/ledger.py); the customer timeline only
reads what was delivered. Before the engine has written anything the answer is empty.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from actions import ledger, ops_store

SENT_STATES = ("sent", "delivering", "uncertain")
COLUMNS = ["at", "action", "level", "channel", "state", "total_amount", "currency"]


def sent_actions(engine: sa.Engine, customer_id: str) -> pd.DataFrame:
    table = getattr(ops_store, "dunning_actions", None)
    if table is None:
        return pd.DataFrame(columns=COLUMNS)
    query = (
        sa.select(
            sa.func.coalesce(table.c.delivered_at, table.c.updated_at).label("at"),
            table.c.action,
            table.c.level,
            table.c.channel,
            table.c.state,
            table.c.total_amount,
            table.c.currency,
        )
        .where(table.c.customer_id == customer_id)
        .where(table.c.state.in_(SENT_STATES))
        .order_by(sa.desc("at"))
    )
    try:
        with engine.connect() as con:
            rows = [dict(r._mapping) for r in con.execute(query)]
    except sa.exc.SQLAlchemyError:
        return pd.DataFrame(columns=COLUMNS)
    return pd.DataFrame(rows, columns=COLUMNS)


ATTENTION_COLUMNS = [
    "action_id", "state", "as_of_date", "customer_id", "channel", "level", "retry_at", "error",
]  # fmt: skip


def deliveries_waiting(engine: sa.Engine) -> pd.DataFrame:
    """Failed and uncertain deliveries a person must resolve."""
    return pd.DataFrame(ledger.needs_attention(engine), columns=ATTENTION_COLUMNS)

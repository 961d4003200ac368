"""What people recorded about customers, as the app shows it right now.

Two sources make the live picture: CRM events that came in bulk files (in the snapshot)
and the events entered in the app (read from the ops store directly, so a note, promise or
dispute shows the moment it is saved, before any pipeline run). These pure functions merge
them and derive the state the pages need: open disputes, the active promise, blocks, and
one timeline per customer.

The rules are core.events' (STATUS_OF, STOPS_DUNNING), as in dbt's int_collection_statuses:
per scope (a document, or the whole customer when no document is named) the latest dispute
event decides whether a dispute is open, the latest block event whether dunning is blocked
(until its ``until`` passes); on equal timestamps the event that stops dunning counts as
the later one.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from core.events import STOPS_DUNNING

EVENT_COLUMNS = [
    "event_id",
    "at",
    "actor",
    "customer_id",
    "document_id",
    "type",
    "amount",
    "currency",
    "until",
    "text",
    "reference",
    "origin",
]


def events_frame(rows: list[dict], origin: str = "app") -> pd.DataFrame:
    """Ops-store rows (dicts) as a frame with :data:`EVENT_COLUMNS`."""
    frame = pd.DataFrame(rows, columns=[c for c in EVENT_COLUMNS if c != "origin"])
    frame["origin"] = origin
    return frame[EVENT_COLUMNS]


def merge_events(*frames: pd.DataFrame) -> pd.DataFrame:
    """One frame of all events, each event once (the app's copy wins), oldest first."""
    parts = [f[EVENT_COLUMNS] for f in frames if f is not None and not f.empty]
    if not parts:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    merged = pd.concat(parts, ignore_index=True)
    merged["at"] = pd.to_datetime(merged["at"])
    merged["document_id"] = merged["document_id"].where(merged["document_id"].notna(), None)
    merged["_app"] = merged["origin"].eq("app")
    merged = merged.sort_values(["event_id", "_app"]).drop_duplicates("event_id", keep="last")
    merged["_stop"] = merged["type"].isin(STOPS_DUNNING)
    merged = merged.sort_values(["at", "_stop", "event_id"], kind="stable")
    return merged.drop(columns=["_app", "_stop"]).reset_index(drop=True)


def _latest(events: pd.DataFrame, types: tuple[str, ...]) -> pd.DataFrame:
    """The latest event of ``types`` per scope (customer_id, document_id or none)."""
    subset = events[events["type"].isin(types)].copy()
    subset["scope_document"] = subset["document_id"].fillna("")
    return subset.groupby(["customer_id", "scope_document"], sort=False).tail(1)


def _as_date(value: object) -> date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def open_disputes(events: pd.DataFrame, today: date) -> pd.DataFrame:
    """Disputes whose latest event opened them: customer, document, opened, age, reason."""
    latest = _latest(events, ("dispute_opened", "dispute_resolved"))
    opened = latest[latest["type"] == "dispute_opened"].copy()
    opened["opened_at"] = pd.to_datetime(opened["at"])
    opened["age_days"] = [(today - ts.date()).days for ts in opened["opened_at"]]
    opened["reason"] = [_reason(text) for text in opened["text"]]
    columns = [
        "customer_id",
        "document_id",
        "opened_at",
        "age_days",
        "reason",
        "text",
        "amount",
        "currency",
        "actor",
        "event_id",
        "origin",
    ]
    return opened[columns].sort_values("age_days", ascending=False).reset_index(drop=True)


def _reason(text: object) -> str:
    """The reason part of a dispute text (what comes before a ``: `` comment)."""
    if text is None or pd.isna(text) or not str(text).strip():
        return "—"
    return str(text).split(": ", 1)[0].strip()


def active_blocks(events: pd.DataFrame, today: date) -> pd.DataFrame:
    """Scopes whose latest block event is a block that has not lapsed."""
    latest = _latest(events, ("dunning_block", "dunning_unblock"))
    blocked = latest[latest["type"] == "dunning_block"].copy()
    keep = [u is None or _as_date(u) >= today for u in blocked["until"].map(_as_date)]
    return blocked[keep].reset_index(drop=True)


def active_promise(events: pd.DataFrame, today: date) -> pd.Series | None:
    """The latest promise to pay, when it runs until today or later."""
    promises = events[events["type"] == "promise"]
    if promises.empty:
        return None
    latest = promises.iloc[-1]
    until = _as_date(latest["until"])
    return latest if until is not None and until >= today else None


def timeline(
    documents: pd.DataFrame,
    payments: pd.DataFrame,
    events: pd.DataFrame,
    open_items: pd.DataFrame,
    sent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One customer's history, newest first: documents issued, payments applied, dunning
    sent (the last level per open document, and every action the ledger delivered), and
    every recorded event."""
    rows: list[dict] = []
    for action in (sent if sent is not None else pd.DataFrame()).itertuples(index=False):
        rows.append(
            {
                "at": action.at,
                "kind": "action_sent",
                "document_id": None,
                "amount": action.total_amount,
                "currency": action.currency,
                "until": None,
                "text": f"{action.action} {action.level} ({action.channel})",
                "actor": "",
            }
        )
    for doc in documents.itertuples(index=False):
        rows.append(
            {
                "at": doc.issue_date,
                "kind": doc.document_type,
                "document_id": doc.document_id,
                "amount": doc.amount,
                "currency": doc.currency,
                "until": None,
                "text": "",
                "actor": "",
            }
        )
    for pay in payments.itertuples(index=False):
        rows.append(
            {
                "at": pay.applied_date,
                "kind": "payment",
                "document_id": pay.document_id,
                "amount": pay.applied_amount,
                "currency": pay.currency,
                "until": None,
                "text": str(pay.match_method),
                "actor": "",
            }
        )
    for item in open_items.itertuples(index=False):
        if item.dunning_level and not pd.isna(item.last_dunned_date):
            rows.append(
                {
                    "at": item.last_dunned_date,
                    "kind": "dunning_sent",
                    "document_id": item.document_id,
                    "amount": item.open_amount,
                    "currency": item.currency,
                    "until": None,
                    "text": str(int(item.dunning_level)),
                    "actor": "",
                }
            )
    for event in events.itertuples(index=False):
        rows.append(
            {
                "at": event.at,
                "kind": event.type,
                "document_id": event.document_id,
                "amount": event.amount,
                "currency": event.currency,
                "until": _as_date(event.until),
                "text": _text(event.text),
                "actor": event.actor,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["at", "kind", "document_id", "amount", "currency", "until", "text", "actor"],
    )
    frame["at"] = pd.to_datetime(frame["at"])
    for column in ("document_id", "currency", "until", "text", "actor"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame.sort_values("at", ascending=False, kind="stable").reset_index(drop=True)


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)

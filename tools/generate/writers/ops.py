"""The CRM's bulk export of collection events (``landing/ops/events_crm.csv``)."""

from __future__ import annotations

import csv
import io

from tools.generate.dates import timestamp
from tools.generate.model import CrmEvent

COLUMNS = (
    "event_id",
    "at",
    "actor",
    "customer_id",
    "document_id",
    "type",
    "amount",
    "until",
    "text",
)


def events_csv(events: list[CrmEvent]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for n, e in enumerate(events, start=1):
        hour, minute = divmod(e.minute_of_day, 60)
        writer.writerow(
            [
                f"EV-{n:06d}",
                timestamp(e.day, hour, minute),
                e.actor,
                e.customer_id,
                e.document.document_id if e.document else "",
                e.type,
                f"{e.amount:.2f}" if e.amount is not None else "",
                e.until.isoformat() if e.until else "",
                e.text,
            ]
        )
    return buffer.getvalue().encode()

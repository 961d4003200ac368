"""Operational events: what people (in the app) and other systems (a CRM's bulk file,
``landing/ops/events*.csv``) record about a customer. One list for the ops store's check
constraint, the bulk file's validation and everything that reads events."""

#: every event type, in the order a person meets them
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

# --- what events say about a customer or document (collection statuses) ----------------
# The warehouse applies the same rules in SQL (int_collection_statuses) to the events it
# holds; the dunning run's live stops (actions/stops.py) and the app's live picture
# (dashboards/events.py) apply them to events entered since. The rules live here.

#: event type -> the status it sets; per scope (a document, or the whole customer when
#: the event names no document) the latest event of a status decides it
STATUS_OF = {
    "dispute_opened": "dispute",
    "dispute_resolved": "dispute",
    "dunning_block": "block",
    "dunning_unblock": "block",
    "promise": "promise",
    "payment_plan": "payment_plan",
}
#: on equal timestamps these count as the later event: when in doubt, do not dun
STOPS_DUNNING = frozenset({"dispute_opened", "dunning_block"})
#: event types that count as contact with the customer (min_days_since_last_contact)
CONTACT_TYPES = ("note", "call", "promise", "payment_plan")


def status_seed() -> str:
    """``seeds/reference/lookups/event_statuses.csv``, the rules above for the warehouse
    (a test keeps the file in step; regenerate it with ``python -m core.events``)."""
    lines = ["event_type,status_kind,stops_dunning"]
    lines += [f"{t},{kind},{str(t in STOPS_DUNNING).lower()}" for t, kind in STATUS_OF.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(status_seed())

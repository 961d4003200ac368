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

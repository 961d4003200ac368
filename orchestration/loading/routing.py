"""Which landing folder a file belongs in, for `forderwerk ingest FILE...`."""

from __future__ import annotations

from pathlib import PurePath

from orchestration.ingest.erp import erp_entity


def guess_source(file_name: str, head: bytes) -> str | None:
    """By name for ERP and ops extracts (DESIGN.md), by content for bank files."""
    from orchestration.ingest.camt import looks_like_camt
    from orchestration.ingest.mt940 import looks_like_mt940

    name = PurePath(file_name).name.lower()
    if erp_entity(name):
        return "erp"
    if name.startswith("events") and name.endswith(".csv"):
        return "ops"
    if looks_like_camt(head) or looks_like_mt940(head):
        return "bank"
    if "bureau" in name or name.endswith((".json", ".jsonl")):
        return "bureau"
    return None

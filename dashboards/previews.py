"""What a dunning proposal would send, for the approver to read before deciding.

A plain preview built from the proposal row and the message catalog of the customer's
language. The dunning engine's templates (actions/templates) will replace this: swap
:func:`preview_for` for a function with the same shape (proposal mapping in,
:class:`Preview` out) and the approvals page shows the real e-mail or letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboards.i18n import Translator, available_languages

PREVIEW_KINDS = ("reminder", "dunning", "final_notice", "phone_call", "agency_handover")


@dataclass(frozen=True)
class Preview:
    channel: str
    language: str
    subject: str
    body: str


def _language(code: object) -> str:
    text = "" if code is None or pd.isna(code) else str(code).lower()[:2]
    return text if text in available_languages() else "en"


def preview_for(proposal: Mapping[str, object]) -> Preview:
    """The e-mail or letter text a proposal stands for, in the customer's language."""
    t = Translator(_language(proposal.get("language_code")))
    level = int(proposal.get("level") or 0)
    action = str(proposal.get("action") or "")
    kind = action if action in PREVIEW_KINDS else ("reminder" if level == 0 else "dunning")
    currency = proposal.get("currency")
    values = {
        "customer": proposal.get("customer_name") or proposal.get("customer_id"),
        "document": proposal.get("document_id") or "",
        "due_date": t.date(proposal.get("due_date")),
        "amount": t.money(proposal.get("amount_due"), currency),
        "days": int(proposal.get("days_past_due") or 0),
        "level": level,
    }
    lines = [t(f"preview.{kind}.greeting", **values), "", t(f"preview.{kind}.body", **values)]
    charges = []
    for field in ("interest", "fees"):
        amount = proposal.get(field)
        if amount is not None and not pd.isna(amount) and float(amount) != 0:
            charges.append(t(f"preview.{field}", amount=t.money(amount, currency)))
    if charges:
        lines += ["", *charges]
    lines += ["", t(f"preview.{kind}.closing", **values)]
    channel = str(proposal.get("channel") or "email")
    return Preview(
        channel=channel,
        language=t.language,
        subject=t(f"preview.{kind}.subject", **values),
        body="\n".join(lines),
    )

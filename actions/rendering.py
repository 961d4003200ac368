"""Notices, call scripts and letters from Jinja2 templates (``actions/templates/``).

Layout: ``<language>/layout/<channel>.<ext>`` holds the frame of a channel (e-mail HTML and
text, the DIN 5008 letter, the collector's call script) with its labels;
``<language>/steps/<template>.j2`` holds the words of one step (macros ``subject``,
``intro``, ``closing``; ``script`` for calls), the tone rising with the level. A new
language is a new folder with the same files. A letter's HTML carries no styles: the print
stylesheet ``templates/letter.css`` (DIN 5008 form B) is applied when the PDF is made.

The environment is sandboxed with ``StrictUndefined`` (a missing field is an error, never
an empty string) and autoescapes every ``.html`` template; a template sees only the
context built here from the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.languages import get_official_languages
from babel.numbers import format_currency, format_decimal
from jinja2 import FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from actions.company import Company
from actions.deadlines import next_working_day
from actions.girocode import epc_png_data_uri, epc_qr

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
FALLBACK_LANGUAGE = "en"
LAYOUT_FILES = ("email.html", "email.txt", "letter.html", "phone.txt")


@cache
def environment(templates_dir: Path = TEMPLATES_DIR) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=_money, date=_date, number=_number, paragraphs=_paragraphs)
    return env


def available_languages(templates_dir: Path = TEMPLATES_DIR) -> tuple[str, ...]:
    """Languages with a complete set of layouts."""
    return tuple(
        sorted(
            p.name
            for p in templates_dir.iterdir()
            if p.is_dir() and all((p / "layout" / f).exists() for f in LAYOUT_FILES)
        )
    )


def language_for(
    code: str | None,
    templates_dir: Path = TEMPLATES_DIR,
    *,
    languages: tuple[str, ...] | None = None,
    country: str | None = None,
) -> str:
    """The template language for a customer's language code; ``languages``: the result of
    :func:`available_languages` when the caller already has it.

    A customer whose language has no templates is written to in a language of the country
    they live in before falling back to English: a Luxembourgish customer (``lb``, no
    templates) in ``LU`` reads French or German far more likely than English, a Romansh one
    in ``CH`` German. The chain: the customer's language (``nl-BE`` counts as ``nl``), then
    the official and de facto official languages of ``country`` (ISO 3166 alpha-2) in the
    order Babel's CLDR data ranks them by the share of the population speaking them, the
    first with templates, then :data:`FALLBACK_LANGUAGE`."""
    known = languages if languages is not None else available_languages(templates_dir)
    language = (code or "").strip().lower()[:2]
    if language in known:
        return language
    for official in _official_languages((country or "").strip().upper()):
        if official in known:
            return official
    return FALLBACK_LANGUAGE


@cache
def _official_languages(country: str) -> tuple[str, ...]:
    """The languages of a country by CLDR, most spoken first, as template language codes
    (``zh_Hant`` becomes ``zh``); none for an empty or unknown code."""
    if not country:
        return ()
    return tuple(
        dict.fromkeys(
            code.split("_")[0].lower() for code in get_official_languages(country, de_facto=True)
        )
    )


def locale_for(language: str, country: str | None) -> str:
    """``de_AT`` for a German-speaking customer in Austria; the language alone otherwise."""
    for candidate in (f"{language}_{(country or '').upper()}", language):
        try:
            Locale.parse(candidate)
            return candidate
        except (ValueError, UnknownLocaleError):
            continue
    return FALLBACK_LANGUAGE


@pass_context
def _money(context, amount: Decimal | None, currency: str | None = None) -> str:
    if amount is None:
        return "–"
    return format_currency(
        amount, currency or context["totals"]["currency"], locale=context["locale"]
    )


@pass_context
def _date(context, day: date | None, style: str = "medium") -> str:
    return "–" if day is None else format_date(day, format=style, locale=context["locale"])


@pass_context
def _number(context, value: Decimal | int) -> str:
    return format_decimal(value, locale=context["locale"])


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line."""
    return [
        " ".join(re.split(r"[ \t\r\n]+", p.strip())) for p in str(text).split("\n\n") if p.strip()
    ]


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    text_body: str | None
    html_body: str | None  # e-mail HTML or the letter's HTML before PDF


def build_context(action: dict, items: list[dict], company: Company) -> dict:
    """Everything a template may see, from one ledger action and its items."""
    payload = action["payload"]
    entity = company.entity(action.get("entity"))
    currency = action["currency"]
    account = entity.account_for(currency)
    rows = [_item_context(i) for i in items]
    unknown = [r for r in rows if not r["interest_known"] and r["interest_from"] is not None]
    totals = {
        "currency": currency,
        "open": sum((r["open_amount"] for r in rows), Decimal("0.00")),
        "interest": sum((r["interest"] or 0 for r in rows), Decimal("0.00")),
        "fees": sum((r["fees"] for r in rows), Decimal("0.00")),
        "notice_fee": Decimal(action.get("notice_fee") or 0),
        "interest_unknown": bool(unknown),
        "unknown_from": min((r["interest_unknown_from"] for r in unknown), default=None),
    }
    totals["total"] = totals["open"] + totals["interest"] + totals["fees"] + totals["notice_fee"]
    reference = payload.get("reference") or ""
    payment = {
        "iban": account.iban if account else None,
        "bic": account.bic if account else None,
        "bank": account.bank if account else None,
        "reference": reference,
        "amount": totals["total"],
        "qr": None,
    }
    if account and currency == "EUR" and totals["total"] > 0 and action["channel"] == "letter":
        payment["qr"] = epc_png_data_uri(
            epc_qr(
                name=entity.name[:70],
                iban=account.iban,
                amount=totals["total"],
                reference=reference,
                bic=account.bic,
            )
        )
    as_of = action["as_of_date"]
    customer = dict(payload["customer"])
    if action["level"] > 0 or not rows:
        # a new deadline: never on a weekend or a holiday at the debtor's place (BGB §193)
        pay_by = next_working_day(
            as_of + timedelta(days=int(payload.get("payment_days") or 10)),
            customer.get("country"),
        )
    else:  # a friendly reminder asks for payment on the due date the invoice set
        pay_by = min((r["due_date"] for r in rows if r["due_date"]), default=as_of)
    customer["country_name"] = _country_name(payload["locale"], customer.get("country"))
    return {
        "language": action["language"],
        "locale": payload["locale"],
        "company": {**entity.as_context(), "entity_id": entity.entity_id},
        "customer": customer,
        "notice": {
            "id": action["action_id"],
            "date": as_of,
            "level": action["level"],
            "action": action["action"],
            "channel": action["channel"],
            "template": action["template"],
            "procedure": action["procedure"],
            "pay_by": pay_by,
        },
        "items": rows,
        "totals": totals,
        "payment": payment,
        "task": _task_context(payload.get("task") or {}),
        "agency": dict(payload.get("agency") or {}),
    }


def _country_name(locale: str, country: str | None) -> str:
    if not country:
        return ""
    return Locale.parse(locale).territories.get(country.upper(), country.upper())


def _task_context(task: dict) -> dict:
    """A task's fields, with the promise's amount and date typed again (JSON in the ledger)."""
    out = dict(task)
    if out.get("promised_amount") is not None:
        out["promised_amount"] = Decimal(str(out["promised_amount"]))
    if isinstance(out.get("promised_until"), str):
        out["promised_until"] = date.fromisoformat(out["promised_until"])
    return out


def _item_context(item: dict) -> dict:
    interest = item["interest_amount"]
    known = item["interest_status"] != "unknown"
    fees = Decimal(item["earlier_fees"]) + Decimal(item["flat_fee"])
    open_amount = Decimal(item["open_amount"])
    return {
        "document_id": item["document_id"],
        "issue_date": item["issue_date"],
        "due_date": item["due_date"],
        "days_past_due": item["days_past_due"],
        "currency": item["currency"],
        "open_amount": open_amount,
        "interest": Decimal(interest) if interest is not None else None,
        "interest_known": known,
        "interest_from": item["interest_from"],
        "interest_unknown_from": _unknown_from(item) if not known else None,
        "fees": fees,
        "total": open_amount + (Decimal(interest) if interest is not None else 0) + fees,
    }


def _unknown_from(item: dict) -> date | None:
    """The first day of the period without a known rate (the note starts with it)."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})", item.get("interest_note") or "")
    return date.fromisoformat(match.group(1)) if match else item["interest_from"]


def render(context: dict, templates_dir: Path = TEMPLATES_DIR) -> Rendered:
    """Render an action's context for its channel (email: subject, text and HTML; letter:
    HTML for the PDF; phone: the call script as text)."""
    env = environment(templates_dir)
    language = context["language"]
    channel = context["notice"]["channel"]

    def one(name: str) -> str:
        return env.get_template(f"{language}/layout/{name}").render(context)

    subject = env.get_template("subject.txt").render(context).strip()
    if channel == "email":
        return Rendered(subject, one("email.txt"), one("email.html"))
    if channel == "letter":
        return Rendered(subject, None, one("letter.html"))
    if channel == "phone":
        return Rendered(subject, one("phone.txt"), None)
    raise ValueError(f"no template layout for channel {channel!r}")


@cache
def _letter_stylesheet(templates_dir: Path):
    """``letter.css`` parsed once per process, with the font configuration it was parsed
    for. The letter layouts do not inline it: WeasyPrint parsed and cascaded an inline
    ``<style>`` anew for every letter, 24 ms of the 98 ms a one-page letter took."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(filename=str(templates_dir / "letter.css"), font_config=fonts), fonts


def letter_document(html: str, templates_dir: Path = TEMPLATES_DIR):
    """The laid-out letter (a WeasyPrint document: pages, boxes) in the print stylesheet
    ``letter.css``. Only ``data:`` and local files resolve: a letter never fetches anything
    from the network."""
    from weasyprint import HTML  # heavy import, only where letters are made
    from weasyprint.urls import URLFetcher

    stylesheet, fonts = _letter_stylesheet(templates_dir)
    fetcher = URLFetcher(allowed_protocols=("data", "file"))
    return HTML(string=html, base_url=str(templates_dir), url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=fonts
    )


def letter_pdf(html: str, templates_dir: Path = TEMPLATES_DIR) -> bytes:
    """The letter as PDF."""
    return letter_document(html, templates_dir).write_pdf()

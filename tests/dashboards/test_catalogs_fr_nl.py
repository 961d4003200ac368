"""The French and Dutch catalogs: same keys and placeholders as English, their own texts."""

from __future__ import annotations

import string
from datetime import date

import pytest

from dashboards.i18n import Translator, _catalog, available_languages
from dashboards.previews import preview_for


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_same_keys_order_and_placeholders_as_english(language):
    en, own = _catalog("en"), _catalog(language)
    assert list(own) == list(en)
    assert {k: _placeholders(v) for k, v in own.items()} == {
        k: _placeholders(v) for k, v in en.items()
    }


def test_languages_and_locales():
    languages = available_languages()
    assert languages["fr"] == "Français" and languages["nl"] == "Nederlands"
    assert Translator("fr").locale == "fr_FR" and Translator("nl").locale == "nl_NL"


@pytest.mark.parametrize(
    ("key", "fr", "nl"),
    [
        ("overview.receivables", "Créances clients", "Debiteuren"),
        ("overview.top_debtors", "Principaux débiteurs", "Grootste debiteuren"),
        ("filters.aging", "Tranches d'ancienneté", "Ouderdomsklassen"),
        ("open_items.tab_unapplied", "Paiements non affectés", "Niet-toegewezen betalingen"),
        ("nav.disputes", "Litiges", "Geschillen"),
        ("flags.promised", "Promesse de paiement", "Betalingsbelofte"),
        ("timeline.payment_plan", "Échéancier", "Betalingsregeling"),
        ("roles.collector", "Agent de recouvrement", "Incassomedewerker"),
        ("customer.credit_limit", "Limite de crédit", "Kredietlimiet"),
        ("columns.dunning_level", "Niveau de relance", "Aanmaningsniveau"),
        ("aging.90+", "plus de 90 jours", "meer dan 90 dagen"),
        ("app.yes", "oui", "ja"),
    ],
)
def test_hand_picked_texts(key, fr, nl):
    assert Translator("fr")(key) == fr
    assert Translator("nl")(key) == nl


def test_filled_in_texts_and_formats():
    fr, nl = Translator("fr"), Translator("nl")
    assert fr("open_items.count", count=3, total=7) == "**3** postes ouverts sur 7"
    assert nl("open_items.count", count=3, total=7) == "**3** van 7 openstaande posten"
    assert fr("overview.aging_over_time").startswith("Balance âgée")
    assert nl("overview.aging_over_time").startswith("Ouderdomsanalyse")
    assert fr.money(1234.5, "EUR") == "1\u202f234,50\xa0€"
    assert nl.money(1234.5, "EUR") == "€\xa01.234,50"
    assert nl.date(date(2026, 11, 20)) == "20 nov 2026"
    assert list(fr.group("dispute_outcomes")) == list(Translator("en").group("dispute_outcomes"))


@pytest.mark.parametrize(
    ("language", "subject", "closing"),
    [
        ("fr", "Relance n° 2 : facture D2", "Cordialement, votre service comptabilité clients"),
        ("nl", "2e aanmaning: factuur D2", "Met vriendelijke groet, uw debiteurenadministratie"),
    ],
)
def test_preview_in_french_and_dutch(language, subject, closing):
    preview = preview_for({
        "language_code": language, "level": 2, "document_id": "D2", "customer_name": "Alpha",
        "amount_due": 500, "currency": "EUR", "due_date": "2026-10-01", "days_past_due": 50,
    })  # fmt: skip
    assert preview.language == language
    assert preview.subject == subject
    assert preview.body.endswith(closing) and "{" not in preview.body

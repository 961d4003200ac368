"""French and Dutch notices: every step in both channels without English left in them, the
same files and the same template code as English, locale formatting, and the language a
customer gets when theirs has no templates (their country's languages before English)."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal as D

import pytest
from babel.dates import format_date
from babel.languages import get_official_languages
from babel.numbers import format_currency

from actions import rendering
from tests.actions.test_rendering import action, all_steps, context, item

LOCALES = {"fr": "fr_FR", "nl": "nl_NL"}
NBSP, NNBSP = "\xa0", "\u202f"  # French: before ":;?!" and in babel's amounts

# subject of every step for one invoice of customer C10001, agency Inkasso Nord GmbH
SUBJECTS = {
    "fr": {
        "agency_handover": "Transmission de notre créance à Inkasso Nord GmbH",
        "agency_handover_consumer": "Votre facture impayée a été transmise à Inkasso Nord GmbH",
        "broken_promise": "Promesse de paiement non tenue",
        "dunning_level_1": "Rappel de paiement – numéro client C10001",
        "dunning_level_1_consumer": "Rappel – votre paiement est en retard",
        "dunning_level_2": "Deuxième rappel – numéro client C10001",
        "dunning_level_2_consumer": "Deuxième rappel",
        "dunning_level_2_key_account": "Factures en attente – demande de règlement",
        "final_notice": "Dernier rappel avant transmission à une société de recouvrement",
        "final_notice_consumer": "Dernier rappel",
        "final_notice_key_account": "Dernière demande de paiement – numéro client C10001",
        "phone_call_key_account": f"Appel grand compte{NBSP}: clarifier les postes ouverts",
        "phone_call_overdue": f"Appel{NBSP}: factures échues",
        "reminder_friendly": f"Aimable rappel{NBSP}: facture bientôt à échéance",
        "reminder_friendly_consumer": "Votre facture arrive bientôt à échéance",
        "reminder_key_account": f"Pour information{NBSP}: échéances à venir",
    },
    "nl": {
        "agency_handover": "Overdracht van onze vordering aan Inkasso Nord GmbH",
        "agency_handover_consumer": "Uw openstaande factuur is overgedragen aan Inkasso Nord GmbH",
        "broken_promise": "Betalingstoezegging niet nagekomen",
        "dunning_level_1": "Betalingsherinnering – klantnummer C10001",
        "dunning_level_1_consumer": "Aanmaning – uw betaling is achterstallig",
        "dunning_level_2": "Tweede aanmaning – klantnummer C10001",
        "dunning_level_2_consumer": "Tweede aanmaning",
        "dunning_level_2_key_account": "Openstaande facturen – verzoek om betaling",
        "final_notice": "Laatste aanmaning vóór overdracht aan een incassobureau",
        "final_notice_consumer": "Laatste aanmaning",
        "final_notice_key_account": "Laatste betalingsverzoek – klantnummer C10001",
        "phone_call_key_account": "Telefoongesprek key account: openstaande posten ophelderen",
        "phone_call_overdue": "Telefoongesprek: achterstallige facturen",
        "reminder_friendly": "Vriendelijke herinnering: factuur vervalt binnenkort",
        "reminder_friendly_consumer": "Uw factuur vervalt binnenkort",
        "reminder_key_account": "Ter informatie: komende vervaldata",
    },
}

# words of the English (and the German slips in it) frame and steps
LEFTOVERS = (
    "Dear ",
    "Sir or Madam",
    "Kind regards",
    "Invoice",
    "Please",
    "Total amount",
    "Customer number",
    "reference",
    "Dunning fee",
    "Statutory",
    "German Civil Code",
    "Managing directors",
    "VAT ID",
    "Creditor ID",
    "Receivables",
    "Interest",
    "Fees",
    "scan with",
    "Open items",
    "Total open",
    " due ",
    " days)",
    "reminder",
    "payment",
    "Kunde ",
    "unbekannt",
)

SALUTATION = {
    ("fr", "business"): "Madame, Monsieur,",
    ("fr", "consumer"): "Bonjour Marie Dupont,",
    ("nl", "business"): "Geachte heer, mevrouw,",
    ("nl", "consumer"): "Geachte Marie Dupont,",
}
REGARDS = {
    ("fr", "email"): "Cordialement,",
    ("fr", "letter"): "Nous vous prions d'agréer nos salutations distinguées.",
    ("nl", "email"): "Met vriendelijke groet,",
    ("nl", "letter"): "Met vriendelijke groet,",
}


def notice(template, channel, language, level, step_action="dunning", items=None, **act_extra):
    act = action(template, channel, language, level, action=step_action, **act_extra)
    act["payload"]["locale"] = LOCALES[language]
    if template.endswith("_consumer"):
        act["payload"]["customer"].update(party="consumer", name="Marie Dupont")
    return rendering.render(context(act, items))


def visible(out: rendering.Rendered) -> str:
    """Everything the reader sees, tags dropped, entities resolved, lines joined."""
    parts = [out.subject or "", out.text_body or ""]
    if out.html_body:
        body = re.sub(r"<(head|style)\b.*?</\1>", " ", out.html_body, flags=re.S)
        parts.append(html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parts))


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize(("template", "channel", "level", "step_action"), all_steps())
def test_every_step_renders_in_french_and_dutch(language, template, channel, level, step_action):
    out = notice(template, channel, language, level, step_action)
    assert out.subject == SUBJECTS[language][template]
    text = visible(out)
    assert "RE-2026-000101" in text
    for english in LEFTOVERS:
        assert english not in text, (english, template, channel)
    if channel in ("email", "letter"):
        party = "consumer" if template.endswith("_consumer") else "business"
        assert SALUTATION[language, party] in text
        assert REGARDS[language, channel] in text
    if channel == "email":
        assert "RE-2026-000101" in out.text_body and f'<html lang="{language}">' in out.html_body
    if channel == "letter":
        assert f'<html lang="{language}">' in out.html_body
        name = "Marie Dupont" if template.endswith("_consumer") else "Beispiel & Söhne GmbH"
        assert html.escape(name) in out.html_body  # the address field, escaped
    if channel == "phone":
        assert ("Postes ouverts" if language == "fr" else "Openstaande posten") in text


def test_plural_and_key_phrases_in_the_steps():
    two = [item(), item("RE-2026-000102", "99.00")]
    fr = visible(notice("reminder_friendly", "email", "fr", 0, "reminder", two))
    assert f"Aimable rappel{NBSP}: factures bientôt à échéance" in fr
    assert "que les factures suivantes arrivent prochainement à échéance." in fr
    nl = visible(notice("reminder_friendly", "email", "nl", 0, "reminder", two))
    assert "Vriendelijke herinnering: facturen vervallen binnenkort" in nl
    assert "dat de volgende facturen binnenkort vervallen." in nl

    fr = visible(notice("dunning_level_1_consumer", "letter", "fr", 1))
    assert (
        f"Le présent rappel vous met en demeure de payer au sens de l'article{NBSP}286, "
        f"alinéa{NBSP}1, du Code civil allemand (BGB){NBSP};"
    ) in fr
    nl = visible(notice("dunning_level_1_consumer", "letter", "nl", 1))
    assert (
        f"Met deze aanmaning raakt u in verzuim volgens artikel{NBSP}286, lid{NBSP}1, "
        "van het Duitse Burgerlijk Wetboek (BGB);"
    ) in nl

    fr = visible(notice("final_notice", "letter", "fr", 3, "final_notice"))
    assert "Vous n'avez malheureusement pas donné suite à nos précédents rappels." in fr
    assert "Montant total à payer" in fr and "Frais de rappel du présent courrier" in fr
    nl = visible(notice("final_notice", "letter", "nl", 3, "final_notice"))
    assert "Helaas hebt u niet gereageerd op onze eerdere aanmaningen." in nl
    assert "Totaal te betalen bedrag" in nl and "Aanmaningskosten van deze brief" in nl

    handover = visible(notice("agency_handover", "letter", "nl", 4, "agency_handover"))
    assert "Het incassobureau neemt binnenkort contact met u op." in handover
    assert "Graag ontvangen wij" not in handover  # no payment request once handed over


def _code(path):
    """The template's Jinja code: every token but its text and its string literals."""
    env = rendering.environment()
    return [
        (kind, value)
        for _, kind, value in env.lex(path.read_text(encoding="utf-8"))
        if kind not in ("data", "string")
    ]


def _files(language):
    folder = rendering.TEMPLATES_DIR / language
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_same_files_and_template_code_as_english(language):
    assert language in rendering.available_languages()
    assert _files(language) == _files("en")
    assert len(_files("en")) == 20
    for relative in _files("en"):
        english = _code(rendering.TEMPLATES_DIR / "en" / relative)
        assert _code(rendering.TEMPLATES_DIR / language / relative) == english, relative


def test_amounts_and_dates_follow_the_french_and_dutch_locale():
    """One invoice with interest, one whose interest waits for the base rate from 15 August
    2026: babel's amounts (French: narrow no-break space in thousands, no-break space
    before the euro sign) and dates, in the item lines, the total and the note."""
    unknown = item(
        "RE-2026-000102",
        interest=None,
        interest_status="unknown",
        interest_note="2026-08-15: no rate",
    )
    items = [item(), unknown]

    fr = notice("dunning_level_1", "email", "fr", 1, items=items)
    amount = format_currency(D("1234.56"), "EUR", locale="fr_FR")
    assert amount == f"1{NNBSP}234,56{NBSP}€"
    assert format_date(date(2026, 8, 15), format="long", locale="fr_FR") == "15 août 2026"
    text = re.sub(r"[ \n]+", " ", fr.text_body)
    assert (
        f"- Facture RE-2026-000101, échéance 14 févr. 2026{NBSP}: restant dû {amount}, "
        f"intérêts 12,34{NBSP}€, frais 40,00{NBSP}€"
    ) in text
    assert f"- Facture RE-2026-000102, échéance 14 févr. 2026{NBSP}: restant dû {amount}, " in text
    # 2 × 1234.56 + 12.34 interest + 2 × 40.00 flat fees + 5.00 dunning fee
    assert f"Total{NBSP}: 2{NNBSP}566,46{NBSP}€" in text
    assert "taux d'intérêt de base applicable à partir du 15 août 2026 aura été publié" in text
    assert "au plus tard le 26 mars 2026" in text
    assert f"<strong>{format_date(date(2026, 3, 26), 'long', locale='fr_FR')}</strong>" in (
        fr.html_body
    )

    nl = notice("dunning_level_1", "email", "nl", 1, items=items)
    amount = format_currency(D("1234.56"), "EUR", locale="nl_NL")
    assert amount == f"€{NBSP}1.234,56"
    text = re.sub(r"[ \n]+", " ", nl.text_body)
    assert (
        f"- Factuur RE-2026-000101, vervaldatum 14 feb 2026: openstaand {amount}, "
        f"rente €{NBSP}12,34, kosten €{NBSP}40,00"
    ) in text
    assert f"Totaal: €{NBSP}2.566,46" in text
    assert "de basisrentevoet die geldt vanaf 15 augustus 2026 is gepubliceerd" in text
    assert "Graag ontvangen wij uw betaling uiterlijk 26 maart 2026 op" in text


def test_letter_date_in_french():
    out = notice("dunning_level_2", "letter", "fr", 2, as_of_date=date(2024, 8, 15))
    assert '<td class="label">Date</td><td>15 août 2024</td>' in out.html_body


@pytest.mark.parametrize(
    ("code", "country", "expected"),
    [
        ("fr", None, "fr"),
        ("nl", None, "nl"),
        ("nl-BE", None, "nl"),
        ("fr_CH", "CH", "fr"),  # the customer's language beats the country's first one
        ("en", "FR", "en"),
        ("de", "BE", "de"),
        ("lb", "LU", "fr"),  # CLDR: French, Luxembourgish, German in Luxembourg
        ("lb", "lu", "fr"),
        ("it", "CH", "de"),  # Italian has no templates: Switzerland's first language
        ("lb", None, "en"),
        ("xx", None, "en"),
        ("xx", "XX", "en"),
        ("xx", "", "en"),
        (None, "NL", "nl"),
        (None, None, "en"),
    ],
)
def test_language_for_falls_back_through_the_countrys_languages(code, country, expected):
    assert rendering.language_for(code, country=country) == expected


def test_language_for_takes_the_first_official_language_with_templates():
    assert get_official_languages("LU", de_facto=True)[:1] == ("fr",)
    # without French templates: Luxembourgish has none either, German is next
    assert rendering.language_for("lb", languages=("de", "en"), country="LU") == "de"
    assert rendering.language_for("lb", languages=("en",), country="LU") == "en"
    assert rendering.FALLBACK_LANGUAGE == "en"

"""Pure functions behind the pages: forecast, headline, filters, events, movers, previews."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboards import opos, queries
from dashboards.disputes import age_bucket, with_amounts
from dashboards.events import (
    active_blocks,
    active_promise,
    events_frame,
    merge_events,
    open_disputes,
    timeline,
)
from dashboards.i18n import Translator, available_languages
from dashboards.inflows import expected_inflows
from dashboards.measures import headline, top_debtors
from dashboards.previews import preview_for
from dashboards.risk import movers
from tests.dashboards.mini_company import AS_OF


def test_expected_inflows_by_week(snap):
    """D1 due 1 Dec + 4 days late -> week of 30 Nov; D5 (credit note) 20 Nov + 4 -> week of
    23 Nov; D2 and D3 are already past their expected day -> carried over into the first
    week (16 Nov, holding 21 Nov); D4 is disputed and left out."""
    inflows = expected_inflows(queries.open_items(snap), AS_OF, weeks=4)
    assert list(inflows["week_start"]) == [
        date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7),
    ]  # fmt: skip
    assert list(inflows["expected_amount"]) == [0.0, -200.0, 1000.0, 0.0]
    assert list(inflows["carried_over_amount"]) == [1500.0, 0.0, 0.0, 0.0]
    assert list(inflows["items"]) == [2, 1, 1, 0]


def test_expected_inflows_leave_out_what_lies_beyond_the_horizon(snap):
    inflows = expected_inflows(queries.open_items(snap), AS_OF, weeks=2)
    assert inflows["expected_amount"].sum() == -200.0
    assert expected_inflows(queries.open_items(snap).iloc[0:0], AS_OF, 3)["items"].sum() == 0


def test_headline_and_top_debtors(snap):
    figures = headline(queries.open_item_totals(snap), queries.kpis_daily(snap), AS_OF)
    assert figures["receivables"] == 3300.0 and figures["overdue"] == 2500.0
    assert round(figures["overdue_share"], 4) == 0.7576
    assert (figures["dso_standard"], figures["dso_countback"], figures["cei"]) == (
        42.5, 43.25, 72.5,
    )  # fmt: skip
    debtors = top_debtors(queries.open_items(snap), queries.customers(snap), limit=2)
    assert list(debtors["customer_id"]) == ["C1", "C2"]
    assert list(debtors["open_amount_reporting"]) == [1300.0, 1000.0]
    assert list(debtors["overdue_amount_reporting"]) == [500.0, 1000.0]
    assert list(debtors["risk_class"]) == ["A", "E"]


def test_opos_filters_sort_and_export(snap):
    items = queries.open_items(snap)
    overdue = opos.apply(items, opos.OposFilter(buckets=("31-60", "90+"), sort_by="due_date",
                                                descending=False))  # fmt: skip
    assert list(overdue["document_id"]) == ["D3", "D2"]
    assert list(opos.apply(items, opos.OposFilter(search="gamma"))["document_id"]) == ["D4"]
    assert list(opos.apply(items, opos.OposFilter(flags=("in_dispute",)))["document_id"]) == ["D4"]
    assert list(opos.apply(items, opos.OposFilter(flags=("dunning_blocked",)))["document_id"]) == [
        "D3"
    ]
    export = opos.export_frame(overdue)
    assert list(export.columns) == opos.EXPORT_COLUMNS
    assert list(export["document_id"]) == ["D3", "D2"]
    assert export["due_date"].iloc[0] == date(2026, 8, 12)


def _events(*rows: dict) -> pd.DataFrame:
    base = {"actor": "t", "amount": None, "currency": None, "until": None, "text": None,
            "reference": None, "document_id": None}  # fmt: skip
    return events_frame([{**base, **r} for r in rows])


def test_disputes_open_and_resolve_per_scope():
    events = merge_events(_events(
        {"event_id": "a", "at": datetime(2026, 11, 1, 9), "customer_id": "C1",
         "document_id": "D1", "type": "dispute_opened", "text": "Menge falsch: 3 statt 5"},
        {"event_id": "b", "at": datetime(2026, 11, 2, 9), "customer_id": "C1",
         "document_id": "D1", "type": "dispute_resolved", "text": "credit"},
        {"event_id": "c", "at": datetime(2026, 11, 3, 9), "customer_id": "C1",
         "type": "dispute_opened", "text": "Preis"},
    ))  # fmt: skip
    disputes = open_disputes(events, date(2026, 11, 20))
    assert list(disputes["event_id"]) == ["c"]
    assert disputes["age_days"].iloc[0] == 17 and disputes["reason"].iloc[0] == "Preis"


def test_an_opening_on_the_same_minute_as_a_resolution_counts_as_later():
    at = datetime(2026, 11, 5, 10)
    events = merge_events(_events(
        {"event_id": "z-open", "at": at, "customer_id": "C1", "type": "dispute_opened"},
        {"event_id": "a-resolve", "at": at, "customer_id": "C1", "type": "dispute_resolved"},
    ))  # fmt: skip
    assert list(open_disputes(events, date(2026, 11, 20))["event_id"]) == ["z-open"]


def test_blocks_lapse_and_promises_expire():
    events = merge_events(_events(
        {"event_id": "1", "at": datetime(2026, 11, 1), "customer_id": "C1",
         "type": "dunning_block", "until": date(2026, 11, 10), "text": "short"},
        {"event_id": "2", "at": datetime(2026, 11, 1), "customer_id": "C1", "document_id": "D2",
         "type": "dunning_block", "text": "open-ended"},
        {"event_id": "3", "at": datetime(2026, 11, 2), "customer_id": "C1",
         "type": "promise", "until": date(2026, 11, 30), "amount": 100, "currency": "EUR"},
    ))  # fmt: skip
    blocks = active_blocks(events, date(2026, 11, 20))
    assert list(blocks["event_id"]) == ["2"]
    assert active_promise(events, date(2026, 11, 20))["event_id"] == "3"
    assert active_promise(events, date(2026, 12, 1)) is None


def test_app_copy_of_an_event_wins_and_timeline_is_newest_first(snap):
    crm = queries.crm_events(snap, "C3")
    app = crm.assign(text="edited in app", origin="app")
    merged = merge_events(crm, app)
    assert list(merged["text"]) == ["edited in app"]
    history = timeline(
        queries.customer_documents(snap, "C1"), queries.customer_payments(snap, "C1"),
        merge_events(queries.crm_events(snap, "C1")), queries.open_items(snap, None, None,
                                                                          None, "C1"),
    )  # fmt: skip
    assert list(history["kind"]) == [
        "credit_note", "note", "invoice", "payment", "dunning_sent", "invoice",
    ]  # fmt: skip


def test_disputes_with_amounts_in_scope(snap):
    events = merge_events(queries.crm_events(snap))
    disputes = open_disputes(events, date(2026, 11, 20))
    shown = with_amounts(disputes, queries.open_items(snap), queries.customers(snap))
    assert list(shown["amount_reporting"]) == [1000.0]
    assert list(shown["age_bucket"]) == ["0-30"]
    jonas = with_amounts(disputes, queries.open_items(snap), queries.customers(snap, "Jonas Weber"))
    assert jonas.empty
    assert [age_bucket(d) for d in (0, 30, 31, 60, 61, 90, 91)] == [
        "0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "90+",
    ]  # fmt: skip


def test_movers(snap):
    moving = movers(queries.customers(snap), AS_OF)
    assert list(moving["customer_id"]) == ["C2"]
    assert list(moving["mover_reason"]) == ["insolvency"]


def test_preview_in_the_customers_language(snap):
    proposal = queries.dunning_proposals(snap, None, "C1").iloc[0].to_dict()
    preview = preview_for(proposal)
    assert preview.language == "de" and preview.channel == "email"
    assert "1. Mahnung" in preview.subject and "D2" in preview.subject
    assert "500,00\xa0€" in preview.body and "Verzugszinsen: 3,10\xa0€" in preview.body
    english = preview_for({**proposal, "language_code": "it", "action": "agency_handover"})
    assert english.language == "en" and "collection agency" in english.subject


def test_catalogs_have_the_same_keys_and_format_per_locale():
    from dashboards.i18n import _catalog

    assert set(available_languages()) >= {"de", "en"}
    assert set(_catalog("de")) == set(_catalog("en"))
    de, en = Translator("de"), Translator("en")
    assert de.money(1234.5, "EUR") == "1.234,50\xa0€"
    assert en.money(1234.5, "GBP") == "£1,234.50"
    assert de.date(date(2026, 11, 20)) == "20.11.2026"
    assert en.date(date(2026, 11, 20)) == "20 Nov 2026"
    assert de.percent(0.2534) == "25,3\xa0%"
    assert de("overview.title") == "Forderungsübersicht"
    assert de("no.such.key") == "no.such.key"
    assert de.label("aging", "90+") == "über 90 Tage"
    assert list(de.group("dispute_outcomes")) == list(en.group("dispute_outcomes"))
    assert de.d3_date_format() == "%d.%m.%y" and de.separators() == ",."

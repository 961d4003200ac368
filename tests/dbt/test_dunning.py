"""Dunning proposals, statutory interest and the collector worklist end to end.

A small hand-made company goes through the real ingestion and the whole dbt chain on a
temporary warehouse; every expected figure is worked out in the comments. The base rate
(BGB §247) is 1.27 % from 2026-01-01, so B2B interest runs at 10.27 %, B2C at 6.27 %,
actual days / 365.
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from core.settings import Settings, load_settings
from orchestration.loading.files import stage_into_landing
from orchestration.loading.ingest import ingest_source
from orchestration.loading.reference import load_fx_rates
from orchestration.loading.warehouse import connect
from tests.dbt.helpers import rows, run_dbt

MARTS = ("+fct_dunning_proposals", "+fct_collector_worklist")
AS_OF = "2026-03-15"

CUSTOMERS = (
    "customer_id,name,customer_type,country,language,currency,email,phone,street,postal_code,"
    "city,vat_id,payment_terms_days,credit_limit,collector,entity\n"
    "C1,Acme GmbH,B2B,DE,de,EUR,,,,,,,30,10000.00,Anna,FW01\n"
    "C2,Eva Klein,B2C,DE,de,EUR,,,,,,,30,,Bernd,FW01\n"
    "C3,Gross AG,B2B,DE,de,EUR,,,,,,,30,100000.00,Anna,FW01\n"  # key account by its limit
)
DOCUMENTS = (
    "document_id,document_type,customer_id,issue_date,due_date,amount,currency,"
    "payment_reference,entity,order_id,description,applies_to_document_id\n"
    "I1,invoice,C1,2025-12-01,2025-12-31,1000.00,EUR,,FW01,,,\n"
    "I2,invoice,C1,2026-03-01,2026-03-17,500.00,EUR,,FW01,,,\n"
    "I3,invoice,C1,2026-01-02,2026-02-01,200.00,EUR,,FW01,,,\n"
    "I4,invoice,C2,2026-01-16,2026-02-15,300.00,EUR,,FW01,,,\n"
    "I5,invoice,C3,2026-01-21,2026-02-20,5000.00,EUR,,FW01,,,\n"
    "I6,invoice,C1,2026-01-02,2026-02-01,5.00,EUR,,FW01,,,\n"
    "I7,invoice,C1,2025-12-16,2026-01-15,2500.00,EUR,,FW01,,,\n"
)
EVENTS = (
    "event_id,at,actor,customer_id,document_id,type,amount,until,text\n"
    "E1,2026-02-20T10:00:00,Anna,C1,I3,dispute_opened,,,wrong quantity\n"
    "E2,2026-03-01T10:00:00,Anna,C1,I7,promise,2500.00,2026-03-10,will pay next week\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _company(tmp: Path) -> Settings:
    """A workspace with the hand-made company ingested and the bundled ECB rates loaded."""
    settings = load_settings({"FORDERWERK_HOME": str(tmp / "home")})
    settings.ensure_workspace()
    erp = [_write(tmp, "customers.csv", CUSTOMERS), _write(tmp, "documents_2026.csv", DOCUMENTS)]
    stage_into_landing(settings, erp, "erp")
    stage_into_landing(settings, [_write(tmp, "events_crm.csv", EVENTS)], "ops")
    with connect(settings) as con:
        for source in ("erp", "ops"):
            report = ingest_source(settings, con, source, run_id="test")
            assert not report.by_status("quarantined"), report.as_dicts()
        load_fx_rates(settings, con)
    return settings


def _dbt(settings: Settings, tmp: Path, verb: str, variables: dict) -> subprocess.CompletedProcess:
    return run_dbt(
        settings.warehouse_path, tmp, verb, "--select", *MARTS, "--exclude", "test_type:unit",
        "--indirect-selection", "cautious", "--vars", json.dumps(variables),
    )  # fmt: skip


def _rows(settings: Settings, sql: str) -> list[tuple]:
    return rows(settings.warehouse_path, sql)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("dunning")
    settings = _company(tmp)
    result = _dbt(settings, tmp, "build", {"as_of_date": AS_OF})
    assert result.returncode == 0, result.stdout[-4000:]
    return settings


def test_procedures(built: Settings):
    rows = _rows(built, "select customer_id, dunning_procedure from marts.dim_customers order by 1")
    assert rows == [("C1", "standard_b2b"), ("C2", "consumer"), ("C3", "key_account")]


def test_statutory_interest(built: Settings):
    # principal x rate x days / 36500, rounded half-up once:
    # I1 1000 x 10.27 x 74 (01-01..03-15) = 759980 -> 20.82;  I3 200 x 10.27 x 42 -> 2.36
    # I4 (B2C) 300 x 6.27 x 28 = 52668 -> 1.44;  I5 5000 x 10.27 x 23 -> 32.36
    # I6 5 x 10.27 x 42 = 2156.7 -> 0.06;  I7 2500 x 10.27 x 59 = 1514825 -> 41.50
    # I2 is not due yet: no interest. EUR 40 flat fee per B2B claim (not for C2).
    rows = _rows(
        built,
        """
        select document_id, interest_start_date::varchar, interest_days, interest_amount,
               flat_fee_amount, is_base_rate_missing
        from intermediate.int_open_items_interest_accrued order by document_id""",
    )
    d = Decimal
    assert rows == [
        ("I1", "2026-01-01", 74, d("20.82"), d("40.00"), False),
        ("I3", "2026-02-02", 42, d("2.36"), d("40.00"), False),
        ("I4", "2026-02-16", 28, d("1.44"), d("0.00"), False),
        ("I5", "2026-02-21", 23, d("32.36"), d("40.00"), False),
        ("I6", "2026-02-02", 42, d("0.06"), d("40.00"), False),
        ("I7", "2026-01-16", 59, d("41.50"), d("40.00"), False),
    ]


def test_dunning_proposals(built: Settings):
    # Nothing was dunned yet (dunning_level 0), so every overdue invoice gets level 1,
    # however late (I1: 74 days, not level 3). I1/I7 claim interest and the flat fee with
    # the first written step; I2 gets the pre-due reminder; I3 is disputed and I6 below
    # the EUR 10 minimum: stops. I4 (consumer): the first notice puts her in default, so
    # it claims nothing. I5 (key account): a call first, approved, no flat fee yet. I7's
    # promise ran out on 03-10: dunned again.
    rows = _rows(
        built,
        """
        select document_id, action, level, channel, amount_due, interest, fees,
               requires_approval, stop_reason, reason
        from marts.fct_dunning_proposals order by document_id""",
    )
    d = Decimal
    # fmt: off
    assert rows == [
        ("I1", "dunning", 1, "email", d("1000.00"), d("20.82"), d("40.00"), False, None,
         "level 1 due: 74 days past due (offset 7)"),
        ("I2", "reminder", 0, "email", d("500.00"), d("0.00"), d("0.00"), False, None,
         "reminder due: due in 2 days (offset -3)"),
        ("I3", "stop", 1, None, d("200.00"), d("0.00"), d("0.00"), False, "dispute",
         "stop (dispute: the document is disputed): level 1 due: 42 days past due (offset 7)"),
        ("I4", "dunning", 1, "letter", d("300.00"), d("0.00"), d("0.00"), False, None,
         "level 1 due: 28 days past due (offset 14)"),
        ("I5", "phone_call", 1, "phone", d("5000.00"), d("32.36"), d("0.00"), True, None,
         "level 1 due: 23 days past due (offset 14)"),
        ("I6", "stop", 1, None, d("5.00"), d("0.00"), d("0.00"), False, "below_minimum",
         "stop (below_minimum: 5.00 EUR open is below the step minimum of 10.00 EUR): "
         "level 1 due: 42 days past due (offset 7)"),
        ("I7", "dunning", 1, "email", d("2500.00"), d("41.50"), d("40.00"), False, None,
         "level 1 due: 59 days past due (offset 7)"),
    ]
    # fmt: on


def test_collector_worklist(built: Settings):
    # Points: amount (>= 10000: 3, >= 1000: 2, >= 100: 1) + days (>= 90: 3, >= 60: 2,
    # >= 30: 1); 3 -> priority 3 (due in 3 days), 2 -> priority 4 (due in 7 days).
    # C1: I7's broken promise, 2500 EUR, 59 days: 2 + 1 = 3; the dispute on I3 opened
    # 23 days ago, 200 EUR, 42 days: 1 + 1 = 2. No call_overdue for C1 beside the
    # promise follow-up. C3: the key account's call, 5000 EUR, 23 days: 2 + 0 = 2.
    rows = _rows(
        built,
        """
        select worklist_task_id, collector, priority, task, amount_at_stake,
               due_date::varchar, reason
        from marts.fct_collector_worklist order by priority, worklist_task_id""",
    )
    d = Decimal
    # fmt: off
    assert rows == [
        ("follow_up_broken_promise:C1", "Anna", 3, "follow_up_broken_promise", d("2500.00"),
         "2026-03-18", "payment promised until 2026-03-10 not received: 1 document(s) still open"),
        ("phone_step:C3", "Anna", 4, "phone_step", d("5000.00"), "2026-03-22",
         "dunning call (level 1) due for 1 document(s)"),
        ("resolve_dispute:C1:I3", "Anna", 4, "resolve_dispute", d("200.00"), "2026-03-22",
         "dispute open since 2026-02-20 (23 days)"),
    ]
    # fmt: on


def test_missing_base_rate_fails_and_names_the_period(tmp_path: Path):
    # As of 2026-07-10 the seed has no rate for the half-year from 2026-07-01: interest is
    # not guessed but left empty, the marts are still built, and with
    # missing_base_rate_severity=error the run fails naming the period to add (the
    # project's default, warn, reports the same and lets the run finish).
    settings = _company(tmp_path)
    result = _dbt(
        settings,
        tmp_path,
        "build",
        {"as_of_date": "2026-07-10", "missing_base_rate_severity": "error"},
    )
    assert result.returncode == 1, result.stdout[-4000:]
    assert (
        "MISSING BASE RATE: no reference rate of law de for 2026-07-01 to 2026-07-10 (7 open "
        "items accrue interest then): add the published rate for each half-year in that "
        "period to the rate table of actions/law/de.yaml (German law: the Deutsche "
        "Bundesbank's base rate, seeds/reference/base_rates_de.csv)" in result.stdout
    )
    assert "FAIL 7 base_rate_known_for_interest_span" in result.stdout
    rows = _rows(
        settings,
        "select document_id, action, interest from marts.fct_dunning_proposals order by 1",
    )
    d = Decimal
    # stops and the consumer's first notice claim no interest anyway; the rest is unknown
    assert rows == [
        ("I1", "dunning", None), ("I2", "dunning", None), ("I3", "stop", d("0.00")),
        ("I4", "dunning", d("0.00")), ("I5", "phone_call", None), ("I6", "stop", d("0.00")),
        ("I7", "dunning", None),
    ]  # fmt: skip
    warned = _dbt(
        settings, tmp_path, "test",
        {"as_of_date": "2026-07-10", "missing_base_rate_severity": "warn"},
    )  # fmt: skip
    assert warned.returncode == 0, warned.stdout[-4000:]

"""Open items, aging and KPIs end to end on a small hand-made company (oracles by hand).

The ERP files go through the real ingestion and the whole dbt chain (cash application
included) runs on a temporary warehouse; the expected figures are worked out in the
comments and in dbt_project/METRICS.md.
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

MARTS = ("+fct_open_items", "+fct_aging", "+fct_aging_history", "+fct_documents", "+fct_kpis_daily")
OWN_TESTS = (
    "path:models/intermediate/finance",
    "path:models/intermediate/receivables",
    "path:models/marts/receivables",
)
AS_OF = "2026-03-15"  # a Sunday: CHF converts at Friday 2026-03-13's ECB rate, 0.9034

CUSTOMERS = (
    "customer_id,name,customer_type,country,language,currency,email,phone,street,postal_code,"
    "city,vat_id,payment_terms_days,credit_limit,collector,entity\n"
    "C1,Acme GmbH,B2B,DE,de,EUR,,,,,,,30,10000.00,Anna,FW01\n"
    "C2,Berg AG,B2B,CH,de,CHF,,,,,,,30,10000.00,Bernd,FW02\n"
)
DOCUMENTS = (
    "document_id,document_type,customer_id,issue_date,due_date,amount,currency,"
    "payment_reference,entity,order_id,description,applies_to_document_id\n"
    "I1,invoice,C1,2026-01-10,2026-02-09,1000.00,EUR,,FW01,,,\n"
    "I2,invoice,C1,2026-02-15,,500.00,EUR,,FW01,,,\n"  # no due date: 2026-03-17
    "CN1,credit_note,C1,2026-03-01,2026-03-01,100.00,EUR,,FW01,,,I2\n"
    "I3,invoice,C1,2026-03-10,2026-03-15,300.00,EUR,,FW01,,,\n"  # due on the as-of date
    "I4,invoice,C1,2025-11-01,2025-12-01,200.00,EUR,,FW01,,,\n"
    "CN2,credit_note,C1,2026-03-05,2026-03-05,50.00,EUR,,FW01,,,\n"
    "I5,invoice,C1,2026-03-20,2026-04-19,700.00,EUR,,FW01,,,\n"  # after the as-of date
    "K1,invoice,C2,2026-02-01,2026-03-03,1000.00,CHF,,FW02,,,\n"
)
PAYMENTS = (
    "payment_id,customer_id,document_id,amount,currency,payment_date\n"
    "P1,C1,I1,400.00,EUR,2026-02-20\n"
    "P2,C1,I4,200.00,EUR,2025-12-05\n"
    "P3,C1,I3,300.00,EUR,2026-03-20\n"  # after the as-of date
)
EVENTS = (
    "event_id,at,actor,customer_id,document_id,type,amount,until,text\n"
    "E1,2026-03-01T10:00:00,Anna,C1,I1,dispute_opened,,,wrong quantity\n"
    "E2,2026-03-16T10:00:00,Anna,C1,I1,dispute_resolved,,,after the as-of date\n"
    "E3,2026-03-12T10:00:00,Anna,C1,I3,promise,300.00,2026-03-31,\n"
    "E4,2026-03-02T10:00:00,Bernd,C2,,dunning_block,,,customer-wide\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _dbt(settings: Settings, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return run_dbt(settings.warehouse_path, tmp, *args)


def _dbt_build(
    settings: Settings, tmp: Path, as_of: str, select: tuple[str, ...] = MARTS
) -> subprocess.CompletedProcess:
    """Build the marts and everything upstream, then run this area's data tests.

    Other areas' tests are theirs to run; the oracles below catch what reaches here.
    """
    variables = json.dumps({"as_of_date": as_of})
    seed = _dbt(settings, tmp, "seed")  # the reference tables the models join
    if seed.returncode != 0:
        return seed
    run = _dbt(settings, tmp, "run", "--select", *select, "--vars", variables)
    if run.returncode != 0:
        return run
    return _dbt(
        settings, tmp, "test", "--select", *OWN_TESTS, "--exclude", "test_type:unit",
        "--indirect-selection", "cautious", "--store-failures", "--vars", variables,
    )  # fmt: skip


def _company(tmp: Path) -> Settings:
    """A workspace with the hand-made company ingested and the bundled ECB rates loaded."""
    settings = load_settings({"FORDERWERK_HOME": str(tmp / "home")})
    settings.ensure_workspace()
    erp = [
        _write(tmp, "customers.csv", CUSTOMERS),
        _write(tmp, "documents_2026.csv", DOCUMENTS),
        _write(tmp, "payments_2026.csv", PAYMENTS),
    ]
    stage_into_landing(settings, erp, "erp")
    stage_into_landing(settings, [_write(tmp, "events_crm.csv", EVENTS)], "ops")
    with connect(settings) as con:
        for source in ("erp", "ops"):
            report = ingest_source(settings, con, source, run_id="test")
            assert not report.by_status("quarantined"), report.as_dicts()
        load_fx_rates(settings, con)
    return settings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("receivables")
    settings = _company(tmp)
    result = _dbt_build(settings, tmp, AS_OF)
    assert result.returncode == 0, result.stdout[-4000:]
    return settings


def _rows(settings: Settings, sql: str) -> list[tuple]:
    return rows(settings.warehouse_path, sql)


def test_open_items(built: Settings):
    # I1: 1000 - 400 paid, due 02-09: 34 days late, in dispute (resolved only on 03-16).
    # I2: 500 - 100 credit note CN1 (fully used, so CN1 is gone); due 02-15 + 30 = 03-17.
    # I3: due today -> current; promised until 03-31 (its payment comes after the as-of date).
    # CN2: an unapplied credit note, a negative item 10 days past its date.
    # K1: 1000 CHF / 0.9034 = 1106.93 EUR, 12 days late, blocked customer-wide.
    # I4 is paid, I5 not yet issued.
    rows = _rows(
        built,
        """
        select document_id, amount, paid_amount, open_amount, open_amount_reporting,
               days_past_due, aging_bucket, effective_due_date::varchar, in_dispute,
               promised_until::varchar, dunning_blocked, dunning_level
        from marts.fct_open_items order by document_id""",
    )
    d = Decimal
    # fmt: off
    assert rows == [
        ("CN2", d("-50.00"), d("0.00"), d("-50.00"), d("-50.00"), 10, "1-30", "2026-03-05",
         False, None, False, 0),
        ("I1", d("1000.00"), d("400.00"), d("600.00"), d("600.00"), 34, "31-60", "2026-02-09",
         True, None, False, 0),
        ("I2", d("500.00"), d("100.00"), d("400.00"), d("400.00"), 0, "current", "2026-03-17",
         False, None, False, 0),
        ("I3", d("300.00"), d("0.00"), d("300.00"), d("300.00"), 0, "current", "2026-03-15",
         False, "2026-03-31", False, 0),
        ("K1", d("1000.00"), d("0.00"), d("1000.00"), d("1106.93"), 12, "1-30", "2026-03-03",
         False, None, True, 0),
    ]
    # fmt: on


def test_aging(built: Settings):
    rows = _rows(
        built,
        """select customer_id, aging_bucket, open_amount_reporting, items
                          from marts.fct_aging order by customer_id, aging_bucket_order""",
    )
    d = Decimal
    # fmt: off
    assert rows == [
        ("C1", "current", d("700.00"), 2),
        ("C1", "1-30", d("-50.00"), 1),
        ("C1", "31-60", d("600.00"), 1),
        ("C2", "1-30", d("1106.93"), 1),
    ]
    # fmt: on


def test_kpis_on_the_as_of_date(built: Settings):
    # FW01: R = 600 + 400 + 300 - 50 = 1250, overdue = 600 - 50 = 550, current 700.
    #   90-day net sales (12-16 .. 03-15) = 1000 + 500 - 100 + 300 - 50 = 1650:
    #   DSO 1250 / 1650 * 90 = 68.1818, best 700 / 1650 * 90 = 38.1818, ADD 30.
    #   CEI: opening (02-13) 1000, 30-day sales (02-14 .. 03-15) 650:
    #   (1000 + 650 - 1250) / (1000 + 650 - 700) * 100 = 400 / 950 * 100 = 42.1053.
    #   Count-back: March 1-15 sales 150 -> 15 days, February 500 -> 28, January
    #   600 / 1000 * 31 = 18.6: 61.6. Overdue share 550 / 1250 = 0.44.
    # FW02: everything is K1 = 1106.93 EUR, overdue; sales 90 days = the same: DSO 90,
    #   best 0, ADD 90, CEI (1106.93 + 0 - 1106.93) / (1106.93 + 0 - 0) = 0; count-back
    #   15 days of March (no sales) + February's 28 = 43; overdue share 1.
    # ALL: R 2356.93, overdue 1656.93, current 700, sales 2756.93, opening 2106.93:
    #   DSO 76.9420, best 22.8515, ADD 54.0905, CEI 400 / 2056.93 * 100 = 19.4465,
    #   count-back 15 + 28 (February 1606.93) + 18.6 = 61.6, share 0.7030.
    rows = _rows(
        built,
        f"""
        select entity, receivables_amount, overdue_amount, current_amount,
               credit_sales_90d_amount, dso_standard, dso_countback, best_possible_dso,
               "add", cei, overdue_share
        from marts.fct_kpis_daily where kpi_date = date '{AS_OF}' order by entity""",
    )
    d = Decimal
    # fmt: off
    assert rows == [
        ("ALL", d("2356.93"), d("1656.93"), d("700.00"), d("2756.93"), d("76.9420"),
         d("61.6000"), d("22.8515"), d("54.0905"), d("19.4465"), d("0.7030")),
        ("FW01", d("1250.00"), d("550.00"), d("700.00"), d("1650.00"), d("68.1818"),
         d("61.6000"), d("38.1818"), d("30.0000"), d("42.1053"), d("0.4400")),
        ("FW02", d("1106.93"), d("1106.93"), d("0.00"), d("1106.93"), d("90.0000"),
         d("43.0000"), d("0.0000"), d("90.0000"), d("0.0000"), d("1.0000")),
    ]
    # fmt: on


def test_kpi_window_starts_with_the_first_document(built: Settings):
    # the first document (I4) is dated 2025-11-01, within 400 days of the as-of date
    rows = _rows(
        built,
        """select min(kpi_date)::varchar, max(kpi_date)::varchar, count(*)
                          from marts.fct_kpis_daily where entity = 'ALL'""",
    )
    # fmt: off
    assert rows == [("2025-11-01", AS_OF, 135)]


def test_missing_fx_rate_fails_naming_currency_and_date(tmp_path: Path):
    # The bundled ECB file ends on 2026-10-30: converting CHF on 2026-11-23 needs a rate
    # 24 days old. The build must fail, naming the currency and the date; never 1.0.
    settings = _company(tmp_path)
    result = _dbt_build(settings, tmp_path, "2026-11-23", select=("+fct_open_items",))
    assert result.returncode != 0
    assert "fx_rate_within_days_fct_open_items" in result.stdout
    failures = _rows(
        settings,
        """
        select failure
        from dbt_test__audit.fx_rate_within_days_fct_open_items_currency__as_of_date""",
    )
    assert failures == [
        ("no ECB rate for CHF within 7 days before 2026-11-23 (last published 2026-10-30)",),
    ]
    # fmt: on

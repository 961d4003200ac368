"""Query functions on the mini company's snapshot, against hand-computed values."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from core.settings import load_settings
from dashboards import queries
from dashboards.snapshot import MartMissing, SnapshotMissing, current_snapshot, read_frame
from tests.dashboards.mini_company import AS_OF


def test_as_of_date_and_filter_options(snap):
    assert queries.as_of_date(snap) == AS_OF
    options = queries.filter_options(snap)
    assert set(options["entity"]) == {"FW01", "FW02"}
    assert set(options["currency"].dropna()) == {"EUR", "GBP", "CHF"}


def test_open_items_are_limited_to_the_collector_in_sql(snap):
    assert set(queries.open_items(snap)["document_id"]) == {"D1", "D2", "D3", "D4", "D5"}
    anna = queries.open_items(snap, "Anna Becker")
    assert set(anna["document_id"]) == {"D1", "D2", "D4", "D5"}
    assert set(queries.open_items(snap, "Jonas Weber")["document_id"]) == {"D3"}
    assert queries.open_items(snap, "Nobody").empty


def test_open_items_filters_by_entity_currency_and_customer(snap):
    assert set(queries.open_items(snap, None, "FW02")["document_id"]) == {"D4"}
    assert set(queries.open_items(snap, None, None, "EUR")["document_id"]) == {"D1", "D2", "D5"}
    assert set(queries.open_items(snap, None, None, None, "C1")["document_id"]) == {
        "D1", "D2", "D5",
    }  # fmt: skip
    # the collector limit holds even when another collector's customer is asked for
    assert queries.open_items(snap, "Anna Becker", None, None, "C2").empty


def test_totals_equal_the_open_items_mart(snap):
    totals = queries.open_item_totals(snap).iloc[0]
    assert float(totals["receivables"]) == 3300.00
    assert float(totals["overdue"]) == 2500.00
    assert int(totals["items"]) == 5
    eur = queries.open_item_totals(snap, None, None, "EUR").iloc[0]
    assert (float(eur["receivables"]), float(eur["overdue"])) == (1300.00, 500.00)


def test_aging_history_ends_with_the_aging_mart(snap):
    history = queries.aging_history(snap, AS_OF, 12)
    last = history[history["balance_date"] == history["balance_date"].max()]
    assert last["balance_date"].iloc[0].date() == AS_OF
    mart = read_frame(snap, "select aging_bucket, sum(open_amount_reporting) as amount "
                            "from marts.fct_aging group by 1")  # fmt: skip
    assert dict(zip(last["aging_bucket"], last["open_amount_reporting"].astype(float),
                    strict=True)) == dict(zip(mart["aging_bucket"], mart["amount"].astype(float),
                                              strict=True))  # fmt: skip


def test_aging_history_at_a_month_end(snap):
    """31 Oct 2026: D2 (800 issued, 300 paid on 15 Oct, due 6 Oct) is 25 days past due;
    D3 (GBP 1170 / 1.17) 80 days; D4 and D1 not issued yet (D4: 11 Oct, due 10 Nov)."""
    history = queries.aging_history(snap, AS_OF, 12)
    october = history[history["balance_date"] == "2026-10-31"]
    got = dict(zip(october["aging_bucket"], october["open_amount_reporting"].astype(float),
                   strict=True))  # fmt: skip
    assert got == {"1-30": 500.00, "61-90": 1000.00, "current": 1000.00}


def test_aging_history_by_entity_and_currency_in_exact_money(snap):
    """The filters of the overview; amounts stay DECIMAL (the app once summed floats)."""
    from decimal import Decimal

    gamma = queries.aging_history(snap, AS_OF, 2, entity="FW02")
    assert [(str(d.date()), b, a) for d, b, a in zip(gamma["balance_date"], gamma["aging_bucket"],
            gamma["open_amount_reporting"], strict=True)] == [
        ("2026-10-31", "current", Decimal("1000.00")),
        ("2026-11-20", "1-30", Decimal("1000.00")),
    ]  # fmt: skip
    gbp = queries.aging_history(snap, AS_OF, 3, currency="GBP")
    assert list(gbp["aging_bucket"]) == ["1-30", "31-60", "61-90", "90+"]  # 31 Aug to 20 Nov


def test_customers_and_collector_lookup(snap):
    assert list(queries.customers(snap, "Anna Becker")["customer_id"]) == ["C1", "C3"]
    assert queries.customer_collector(snap, "C2") == (True, "Jonas Weber")
    assert queries.customer_collector(snap, "nope") == (False, None)


def test_unapplied_cash_of_a_collector_excludes_unknown_payers(snap):
    assert set(queries.unapplied_cash(snap)["payment_id"]) == {"P-OVER", "P-NONE", "P-BETA"}
    assert set(queries.unapplied_cash(snap, "Anna Becker")["payment_id"]) == {"P-OVER"}


def test_proposals_and_worklist(snap):
    waiting = queries.dunning_proposals(snap, None, None, True)
    assert set(waiting["dunning_proposal_id"]) == {"D2:standard_b2b:2", "D3:strict_high_risk:5"}
    assert set(queries.dunning_proposals(snap, "Anna Becker")["document_id"]) == {"D2", "D4"}
    work = queries.worklist(snap, "Anna Becker")
    assert list(work["worklist_task_id"]) == ["call_overdue:C1", "resolve_dispute:C3:D4"]
    assert work["phone"].iloc[0] == "+49 30 1"


def test_kpis_per_entity(snap):
    kpis = queries.kpis_daily(snap, "FW02")
    assert list(kpis["dso_standard"].astype(float)) == [60.0]
    assert len(queries.kpis_daily(snap)) == 3


def test_missing_snapshot_and_missing_mart(tmp_path, snap):
    empty = load_settings({"FORDERWERK_HOME": str(tmp_path / "nothing")})
    with pytest.raises(SnapshotMissing):
        current_snapshot(empty)
    with pytest.raises(MartMissing):
        read_frame(snap, "select * from marts.no_such_mart")


def test_a_new_snapshot_is_a_new_cache_key(mini, snap):
    before = queries.open_items(snap)
    with duckdb.connect(str(mini.serving_path)) as con:
        con.execute("delete from marts.fct_open_items where document_id = 'D5'")
    newer = current_snapshot(mini)
    assert newer != snap
    assert len(queries.open_items(newer)) == len(before) - 1


def test_parameters_are_bound_not_spliced(snap):
    hostile = "x' or '1'='1"
    assert queries.open_items(snap, hostile).empty
    assert queries.customer_collector(snap, hostile) == (False, None)
    assert date(2026, 11, 20) == queries.as_of_date(snap)


def test_publishing_while_a_page_reads_breaks_nothing(mini, snap):
    """The pipeline publishes by renaming a new file over the snapshot: a query already
    running keeps its (old) file, the next one reads the new snapshot."""
    import os
    import shutil

    reading = duckdb.connect(snap.path, read_only=True)
    newer = mini.serving_path.with_name(".warehouse.duckdb.partial")
    shutil.copyfile(mini.serving_path, newer)
    with duckdb.connect(str(newer)) as con:
        con.execute("update marts.fct_kpis_daily set dso_standard = 99 where entity = 'FW02'")
    os.replace(newer, mini.serving_path)
    assert reading.execute("select count(*) from marts.fct_open_items").fetchone()[0] == 5
    reading.close()
    fresh = current_snapshot(mini)
    assert list(queries.kpis_daily(fresh, "FW02")["dso_standard"].astype(float)) == [99.0]

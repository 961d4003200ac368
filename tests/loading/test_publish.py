"""The dashboards' snapshot: published atomically, and held for a person when customers or
open items would vanish on a large scale."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from core.settings import Settings
from orchestration.loading.publish import PublishHeld, publish_snapshot
from orchestration.loading.warehouse import connect

DAY = date(2026, 10, 30)


def build(settings: Settings, customers: int, items: int) -> None:
    with connect(settings) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.dim_customers as "
            f"select 'C' || i as customer_id from range({customers}) t(i)"
        )
        con.execute(
            "create or replace table marts.fct_open_items as "
            f"select 'D' || i as document_id from range({items}) t(i)"
        )


def published(settings: Settings) -> tuple[int, int]:
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        return (
            con.execute("select count(*) from marts.dim_customers").fetchone()[0],
            con.execute("select count(*) from marts.fct_open_items").fetchone()[0],
        )


def test_a_collapse_of_customers_is_held_for_a_person(settings: Settings):
    build(settings, customers=100, items=200)
    publish_snapshot(settings, DAY)
    build(settings, customers=100, items=160)  # 20 % fewer open items: an ordinary day
    publish_snapshot(settings, DAY)
    assert published(settings) == (100, 160)
    build(settings, customers=40, items=150)  # an ERP extract cut off after 40 customers
    with pytest.raises(PublishHeld) as held:
        publish_snapshot(settings, DAY)
    assert "marts.dim_customers: 100 -> 40 rows (-60%)" in str(held.value)
    assert "fct_open_items" not in str(held.value)  # 160 -> 150 is no collapse
    assert "forderwerk publish --accept-drop" in str(held.value)
    assert published(settings) == (100, 160)  # the dashboards keep the last snapshot
    publish_snapshot(settings, DAY, accept_drop=True)  # a person checked: it is real
    assert published(settings) == (40, 150)


def test_a_run_for_an_earlier_day_is_no_drop(settings: Settings):
    build(settings, customers=100, items=200)
    publish_snapshot(settings, DAY)
    build(settings, customers=100, items=20)
    publish_snapshot(settings, date(2026, 6, 30))  # deliberately asked for a past day
    assert published(settings) == (100, 20)


def test_a_small_company_is_not_judged(settings: Settings):
    build(settings, customers=10, items=12)
    publish_snapshot(settings, DAY)
    build(settings, customers=2, items=1)
    publish_snapshot(settings, DAY)
    assert published(settings) == (2, 1)


def test_the_allowed_drop_is_configurable(settings: Settings):
    from dataclasses import replace

    strict = replace(settings, publish_max_drop=0.05)
    build(settings, customers=100, items=200)
    publish_snapshot(strict, DAY)
    build(settings, customers=100, items=180)
    with pytest.raises(PublishHeld, match="-10%"):
        publish_snapshot(strict, DAY)

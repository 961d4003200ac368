"""Oracle tests of the legal figures: every expected value is computed by hand in the
comment beside it (base rates from seeds/reference/lookups/base_rates_de.csv)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from actions import legal

DE = legal.load_law("de")


def interest(principal: str, due: date, as_of: date, party: str) -> legal.Interest:
    start = legal.default_start(due, DE, party=party)
    return legal.statutory_interest(D(principal), start, as_of, DE, party=party)


def test_interest_across_1_july_b2b():
    # due 2025-06-20, interest 21.06.-10.07.2025:
    # 21.06.-30.06. 10 days at 2.27 + 9 = 11.27 %: 1000 x 11.27 x 10 / 36500 = 3.0876712...
    # 01.07.-10.07. 10 days at 1.27 + 9 = 10.27 %: 1000 x 10.27 x 10 / 36500 = 2.8136986...
    # sum 5.9013698... -> 5.90
    result = interest("1000.00", date(2025, 6, 20), date(2025, 7, 10), "business")
    assert result.amount == D("5.90")
    assert [(p.days, p.rate_percent) for p in result.periods] == [
        (10, D("11.27")),
        (10, D("10.27")),
    ]


def test_interest_across_1_january_b2c():
    # due 2024-12-15, interest 16.12.2024-14.01.2025, consumer (+5 points):
    # 16.12.-31.12. 16 days at 3.37 + 5 = 8.37 %: 2500 x 8.37 x 16 / 36500 = 9.1726027...
    # 01.01.-14.01. 14 days at 2.27 + 5 = 7.27 %: 2500 x 7.27 x 14 / 36500 = 6.9712328...
    # sum 16.1438356... -> 16.14
    result = interest("2500.00", date(2024, 12, 15), date(2025, 1, 14), "consumer")
    assert result.amount == D("16.14")
    assert [p.start for p in result.periods] == [date(2024, 12, 16), date(2025, 1, 1)]


def test_interest_over_a_leap_year_divides_by_365():
    # due 2023-12-31, interest 01.01.-31.12.2024 = 366 days, B2B:
    # H1 182 days (31+29+31+30+31+30) at 3.62 + 9 = 12.62 %: 10000 x 12.62 x 182 / 36500
    #    = 629.2712328...
    # H2 184 days at 3.37 + 9 = 12.37 %: 10000 x 12.37 x 184 / 36500 = 623.5835616...
    # sum 1252.8547945... -> 1252.85 (a whole leap year accrues 366/365 of the rate)
    result = interest("10000.00", date(2023, 12, 31), date(2024, 12, 31), "business")
    assert [p.days for p in result.periods] == [182, 184]
    assert result.amount == D("1252.85")


def test_b2b_and_b2c_differ_by_four_points():
    # 1000 for 30 days in 2025-H1 (base 2.27): B2B 11.27 % -> 1000 x 11.27 x 30 / 36500
    # = 9.2630136... -> 9.26; B2C 7.27 % -> 5.9753424... -> 5.98
    due, as_of = date(2025, 3, 1), date(2025, 3, 31)
    assert interest("1000.00", due, as_of, "business").amount == D("9.26")
    assert interest("1000.00", due, as_of, "consumer").amount == D("5.98")
    # an unknown customer type gets the consumer points: never over-claim
    assert interest("1000.00", due, as_of, "unknown").amount == D("5.98")


def test_rounding_is_half_up_once_at_the_end():
    assert legal.cents(D("2.345")) == D("2.35")  # banker's rounding would give 2.34
    assert legal.cents(D("2.3449999")) == D("2.34")
    # 13.00 for 1 day in each half-year of 2025 (B2B): 13 x 11.27 / 36500 = 0.0040137 and
    # 13 x 10.27 / 36500 = 0.0036575: rounded each would be 0.00 + 0.00, the sum 0.0076712
    # rounds to 0.01
    result = interest("13.00", date(2025, 6, 29), date(2025, 7, 1), "business")
    assert [p.days for p in result.periods] == [1, 1]
    assert result.amount == D("0.01")


def test_no_interest_until_the_day_after_the_due_date():
    assert interest("1000.00", date(2025, 3, 31), date(2025, 3, 31), "business").amount == 0
    # one day: 1000 x 11.27 / 36500 = 0.30876... -> 0.31
    assert interest("1000.00", date(2025, 3, 31), date(2025, 4, 1), "business").amount == D("0.31")


def test_interest_into_a_half_year_without_rate_names_it():
    with pytest.raises(legal.UnknownBaseRate) as caught:
        interest("1000.00", date(2026, 6, 20), date(2026, 7, 5), "business")
    assert caught.value.half_year == "2026-H2"
    assert caught.value.period_start == date(2026, 7, 1)
    assert "2026-H2" in str(caught.value) and "base_rates_de.csv" in str(caught.value)
    # up to 30 June 2026 the rate is known (2026-H1: 1.27)
    assert interest("1000.00", date(2026, 6, 20), date(2026, 6, 30), "business").amount == D(
        "2.81"
    )  # 1000 x 10.27 x 10 / 36500 = 2.8136... -> 2.81


def test_default_start_day_after_due_date():
    assert legal.default_start(date(2025, 2, 28), DE) == date(2025, 3, 1)


def test_default_start_without_due_date_30_days_after_receipt():
    # received 1 March: 30 days run 2 March - 31 March (BGB §187(1), §188(1)), default
    # from 1 April
    received = date(2025, 3, 1)
    assert legal.default_start(None, DE, invoice_received=received) == date(2025, 4, 1)
    # a consumer only if the invoice pointed this out (§286(3) sentence 1, second half)
    assert legal.default_start(None, DE, party="consumer", invoice_received=received) is None
    assert legal.default_start(
        None, DE, party="consumer", invoice_received=received, consumer_notified=True
    ) == date(2025, 4, 1)
    # ... or a reminder after it fell due puts them in default from the day after receipt
    assert legal.default_start(
        None, DE, party="consumer", invoice_received=received, reminder_received=date(2025, 3, 20)
    ) == date(2025, 3, 21)
    assert legal.default_start(None, DE) is None


def test_flat_fee_once_per_b2b_claim():
    assert legal.flat_fee(DE, party="business", already_charged=False) == D("40.00")
    assert legal.flat_fee(DE, party="business", already_charged=True) == D("0.00")
    assert legal.flat_fee(DE, party="consumer", already_charged=False) == D("0.00")
    assert legal.flat_fee(DE, party="unknown", already_charged=False) == D("0.00")


def test_partial_payment_goes_to_costs_then_interest_then_principal():
    # §367(1): 100.00 against costs 5.00, interest 12.34, principal 500.00
    split = legal.allocate_payment(
        D("100.00"), costs=D("5.00"), interest=D("12.34"), principal=D("500.00")
    )
    assert split == legal.Allocation(D("5.00"), D("12.34"), D("82.66"), D("0.00"))
    # a payment below the costs covers only part of them
    assert legal.allocate_payment(
        D("3.00"), costs=D("5.00"), interest=D("12.34"), principal=D("500.00")
    ) == legal.Allocation(D("3.00"), D("0.00"), D("0.00"), D("0.00"))
    # more than the whole claim leaves a surplus
    assert legal.allocate_payment(
        D("600.00"), costs=D("5.00"), interest=D("12.34"), principal=D("500.00")
    ) == legal.Allocation(D("5.00"), D("12.34"), D("500.00"), D("82.66"))


def test_changing_balance_accrues_each_part():
    # 1000 owed 01.-10.03.2025 (10 days), 400 owed 11.-20.03.2025 (10 days), B2B 11.27 %:
    # 1000 x 11.27 x 10 / 36500 = 3.0876712... + 400 x 11.27 x 10 / 36500 = 1.2350684...
    # = 4.3227397 -> 4.32
    result = legal.interest_on_balances(
        [(date(2025, 3, 1), D("1000")), (date(2025, 3, 11), D("400"))],
        date(2025, 3, 20),
        DE,
        party="business",
    )
    assert result.amount == D("4.32")


def test_another_jurisdiction_is_configuration(tmp_path: Path):
    """The EU directive's rule (reference rate + 8 points) from a YAML file and a rate
    table, no code: 1000 for 20 days, 10 at 4.50 + 8 and 10 at 4.25 + 8 =
    1000 x 12.5 x 10 / 36500 + 1000 x 12.25 x 10 / 36500 = 3.4246575 + 3.3561643 -> 6.78."""
    rates = tmp_path / "ecb.csv"
    rates.write_text("valid_from,rate_percent\n2024-01-01,4.50\n2024-07-01,4.25\n")
    text = (
        (legal.LAW_DIR / "eu.yaml")
        .read_text()
        .replace("seeds/reference/lookups/reference_rates_ecb.csv", str(rates))
    )
    (tmp_path / "eu.yaml").write_text(text)
    eu = legal.load_law("eu", tmp_path)
    start = legal.default_start(date(2024, 6, 20), eu)
    result = legal.statutory_interest(D("1000"), start, date(2024, 7, 10), eu, party="business")
    assert result.amount == D("6.78")
    assert legal.flat_fee(eu, party="business", already_charged=False) == D("40.00")
    with pytest.raises(legal.UnknownBaseRate, match="2025-H1"):
        legal.statutory_interest(D("1000"), start, date(2025, 1, 2), eu, party="business")


def test_law_file_errors_name_file_and_key(tmp_path: Path):
    text = (legal.LAW_DIR / "de.yaml").read_text().replace("business: 9", "businesses: 9")
    (tmp_path / "xx.yaml").write_text(text)
    with pytest.raises(legal.LawConfigError, match=r"xx\.yaml: interest_points\.business"):
        legal.load_law("xx", tmp_path)


def test_bundled_law_without_its_rate_table_says_which_file():
    eu = legal.load_law("eu")
    with pytest.raises(legal.LawConfigError, match=r"reference_rates_ecb\.csv"):
        eu.rates()

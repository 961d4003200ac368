"""The law as data and the legal figures left to Python (flat fee, allocation of a payment):
every expected value is computed by hand in the comment beside it. Statutory interest is
the warehouse's; its oracles are the dbt unit tests of int_open_items_interest_accrued."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from actions import legal

DE = legal.load_law("de")


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


def test_the_law_seeds_are_what_the_law_files_say():
    """seeds/reference/lookups/legal_terms.csv and legal_reference_rates.csv are generated
    from actions/law/de.yaml and its rate table (fix with
    `python -m actions.legal --write-seeds`), and the dbt unit tests' fixture is the seed."""
    wanted = legal.seed_rows(legal.laws_in_use())
    assert {path.name: legal.read_seed(path) for path in wanted} == {
        path.name: rows for path, rows in wanted.items()
    }
    terms = {(r["law_code"], r["party"]): r for r in wanted[legal.TERMS_SEED]}
    assert terms["de", "business"]["interest_points"] == "9.00"  # BGB §288(2)
    assert terms["de", "consumer"]["interest_points"] == "5.00"  # §288(1)
    assert terms["de", "unknown"]["interest_points"] == "5.00"  # never over-claim
    assert [terms["de", p]["claims_flat_fee"] for p in legal.PARTIES] == ["true", "false", "false"]
    # the 2026-H1 base rate the sample's interest runs on
    assert {"law_code": "de", "valid_from": "2026-01-01", "rate_percent": "1.27"} in wanted[
        legal.RATES_SEED
    ]
    fixture = Path(__file__).parents[2] / "dbt_project/tests/fixtures/legal_terms_de.csv"
    assert fixture.read_text() == legal.TERMS_SEED.read_text()


def test_another_jurisdiction_is_configuration(tmp_path: Path):
    """The EU directive's rule (reference rate + 8 points) from a YAML file and a rate
    table, no code: its seed rows carry its points, fee and rates (the interest itself is
    computed by the warehouse: the dbt unit test interest_follows_the_procedures_law)."""
    rates = tmp_path / "ecb.csv"
    rates.write_text("valid_from,rate_percent\n2024-01-01,4.50\n2024-07-01,4.25\n")
    text = (
        (legal.LAW_DIR / "eu.yaml")
        .read_text()
        .replace("seeds/reference/lookups/reference_rates_ecb.csv", str(rates))
    )
    (tmp_path / "eu.yaml").write_text(text)
    eu = legal.load_law("eu", tmp_path)
    rows = legal.seed_rows({"eu": eu})
    assert [
        (r["party"], r["interest_points"], r["claims_flat_fee"]) for r in rows[legal.TERMS_SEED]
    ] == [
        ("business", "8.00", "true"),
        ("consumer", "8.00", "false"),
        ("unknown", "8.00", "false"),
    ]
    assert [r["consumer_needs_notice"] for r in rows[legal.TERMS_SEED]] == ["false"] * 3
    assert [(r["valid_from"], r["rate_percent"]) for r in rows[legal.RATES_SEED]] == [
        ("2024-01-01", "4.50"),
        ("2024-07-01", "4.25"),
    ]
    assert legal.flat_fee(eu, party="business", already_charged=False) == D("40.00")
    # the warehouse splits interest at half-years only: another period is refused, named
    (tmp_path / "qq.yaml").write_text(text.replace('["01-01", "07-01"]', '["01-01"]'))
    with pytest.raises(legal.LawConfigError, match=r"qq\.yaml: reference_rate\.period_starts"):
        legal.seed_rows({"qq": legal.load_law("qq", tmp_path)})


def test_law_file_errors_name_file_and_key(tmp_path: Path):
    text = (legal.LAW_DIR / "de.yaml").read_text().replace("business: 9", "businesses: 9")
    (tmp_path / "xx.yaml").write_text(text)
    with pytest.raises(legal.LawConfigError, match=r"xx\.yaml: interest_points\.business"):
        legal.load_law("xx", tmp_path)


def test_bundled_law_without_its_rate_table_says_which_file():
    eu = legal.load_law("eu")
    with pytest.raises(legal.LawConfigError, match=r"reference_rates_ecb\.csv"):
        eu.rates()

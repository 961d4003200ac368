"""Customers, payment behaviour, risk and credit limits end to end (dbt_project/RISK.md).

A hand-made raw dataset goes through dbt (cash application and open items included) and
every customer's score was worked out by hand from the points table in RISK.md. A second
test checks on the bundled sample that the risk classes follow the payment personalities
the generator gave the customers.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from core.settings import PROJECT_ROOT, Settings
from orchestration.loading.raw_tables import ensure_raw_schema, insert
from tests.dbt.helpers import rows, run_dbt

AS_OF = "2026-10-30"
CHF_PER_EUR = Decimal("0.95")


def customer(customer_id: str, name: str, kind: str, currency: str, limit: str | None) -> dict:
    return {
        "customer_id": customer_id,
        "name": name,
        "customer_type": kind,
        "country": "DE",
        "language": "de",
        "currency": currency,
        "payment_terms_days": 30,
        "entity": "FW01",
        "credit_limit": Decimal(limit) if limit is not None else None,
        "collector": "Anna Becker",
        "_file_seq": 1,
        "_row_number": 1,
        "_source_file": "customers.csv",
    }


def invoice(
    document_id: str, customer_id: str, issued: str, due: str, amount: str, currency: str = "EUR"
) -> dict:
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "customer_id": customer_id,
        "issue_date": date.fromisoformat(issued),
        "due_date": date.fromisoformat(due),
        "amount": Decimal(amount),
        "currency": currency,
        "entity": "FW01",
        "_file_seq": 2,
        "_row_number": 1,
        "_source_file": "documents.csv",
    }


def erp_payment(
    payment_id: str, customer_id: str, document_id: str, amount: str, paid: str
) -> dict:
    return {
        "payment_id": payment_id,
        "customer_id": customer_id,
        "document_id": document_id,
        "amount": Decimal(amount),
        "currency": "EUR",
        "payment_date": date.fromisoformat(paid),
        "_file_seq": 3,
        "_row_number": 1,
        "_source_file": "payments.csv",
    }


def report(
    customer_id: str,
    bureau: str,
    day: str,
    score: int,
    scale: str,
    pd: str,
    insolvent: bool = False,
    features: str = "",
) -> dict:
    return {
        "customer_id": customer_id,
        "bureau": bureau,
        "report_date": date.fromisoformat(day),
        "score": Decimal(score),
        "score_scale": scale,
        "probability_of_default": Decimal(pd),
        "insolvency": insolvent,
        "negative_features": features or None,
        "_file_seq": 4,
        "_row_number": 1,
        "_source_file": "bureau.csv",
    }


CREDITREFORM, CRIF = "100-600 (lower is better)", "0-1000 (higher is better)"

CUSTOMERS = [
    customer("C1", "Pünktlich GmbH", "B2B", "EUR", "50000.00"),
    customer("C2", "Spät AG", "B2B", "EUR", "10000.00"),
    customer("C3", "Pleite KG", "B2B", "EUR", "5000.00"),
    customer("C4", "Erika Muster", "B2C", "EUR", None),
    customer("C5", "Grosskunde AG", "B2B", "CHF", "150000.00"),
    customer("C6", "Nulllimit GmbH", "B2B", "EUR", "0.00"),
]

DOCUMENTS = [
    invoice("I1", "C1", "2026-01-10", "2026-02-09", "1000.00"),
    invoice("I2", "C1", "2026-06-01", "2026-07-01", "3000.00"),
    invoice("I10", "C1", "2026-10-01", "2026-10-31", "500.00"),  # paid after the as-of date
    invoice("I3", "C2", "2026-03-01", "2026-03-31", "2000.00"),
    invoice("I4", "C2", "2026-07-01", "2026-07-31", "2000.00"),
    invoice("I5", "C2", "2026-08-01", "2026-08-31", "11000.00"),
    invoice("I6", "C3", "2026-04-01", "2026-05-01", "4000.00"),
    invoice("I7", "C4", "2026-09-01", "2026-09-15", "100.00"),
    invoice("I8", "C5", "2026-10-01", "2026-10-31", "9500.00", "CHF"),
    invoice("I9", "C6", "2026-10-16", "2026-11-15", "500.00"),
]

ERP_PAYMENTS = [
    erp_payment("P1", "C1", "I1", "1000.00", "2026-02-09"),  # on the due date: 0 days
    erp_payment("P2", "C1", "I2", "3000.00", "2026-06-26"),  # 5 days early
    erp_payment("P10", "C1", "I10", "500.00", "2026-11-02"),  # after the as-of date
    erp_payment("P3", "C2", "I3", "2000.00", "2026-05-10"),  # 40 days late
    erp_payment("P4", "C2", "I4", "2000.00", "2026-09-09"),  # 40 days late, last 3 months
    erp_payment("P7", "C4", "I7", "100.00", "2026-09-20"),  # 5 days late
]

REPORTS = [
    report("C1", "creditreform", "2026-10-01", 150, CREDITREFORM, "0.003"),
    report("C2", "crif", "2026-08-17", 600, CRIF, "0.02", features="Zahlungsweise schleppend"),
    report("C3", "creditreform", "2026-07-01", 380, CREDITREFORM, "0.08"),
    report(
        "C3",
        "creditreform",
        "2026-10-01",
        600,
        CREDITREFORM,
        "1.0",
        insolvent=True,
        features="Zahlungseinstellung; Insolvenzantrag",
    ),
]


def fx_rates() -> list[dict]:
    day, end, rows = date(2025, 10, 1), date.fromisoformat(AS_OF), []
    while day <= end:
        if day.weekday() < 5:
            rows.append(
                {
                    "rate_date": day,
                    "currency": "CHF",
                    "units_per_eur": CHF_PER_EUR,
                    "_source_file": "eurofxref-hist.csv",
                }
            )
        day += timedelta(days=1)
    return rows


# Worked out with the points table of RISK.md:
# C1: PD 0.3 % -> 3; paid on time and early (avg (1000*0 + 3000*-5) / 4000 = -3.75): 0.
# C2: PD 2 % -> 18; 1 negative feature -> 5; 40 days late -> 20; all of the open 11000 is
#     60 days overdue -> 20; utilisation 11000 / 10000 = 1.1 -> 3; trend 40 - 40 = 0. = 66, D.
# C3: insolvent 80 + PD 100 % 50 + 2 features 10 + 100 % long overdue 20 = 160 -> 100, E.
# C4: consumer 5 days late -> 2.5 -> 3; no bureau points for consumers.
# C5: CHF 150000 / 0.95 = 157894.74 EUR limit -> key account; no report -> 5.
# C6: zero limit with 500 open -> 15; no report -> 5; = 20, exactly class B.
EXPECTED_CUSTOMERS = [
    ("C1", "b2b", 3, "A", "bureau_pd:+3", None, "standard_b2b", "-3.75", "500.00", "0.0100"),
    (
        "C2",
        "b2b",
        66,
        "D",
        "days_late:+20",
        "overdue_share:+20",
        "strict_high_risk",
        "40.00",
        "11000.00",
        "1.1000",
    ),
    (
        "C3",
        "b2b",
        100,
        "E",
        "insolvency:+80",
        "bureau_pd:+50",
        "strict_high_risk",
        None,
        "4000.00",
        "0.8000",
    ),
    ("C4", "b2c", 3, "A", "days_late:+3", None, "consumer", "5.00", "0.00", None),
    (
        "C5",
        "key_account",
        5,
        "A",
        "no_bureau_report:+5",
        None,
        "key_account",
        None,
        "10000.00",
        "0.0633",
    ),
    (
        "C6",
        "b2b",
        20,
        "B",
        "over_limit:+15",
        "no_bureau_report:+5",
        "standard_b2b",
        None,
        "500.00",
        None,
    ),
]

EXPECTED_BREACHES = [
    ("C2:over_limit", "11000.00", "10000.00", "1000.00", False, True),
    ("C3:insolvency", "4000.00", "5000.00", "0.00", True, True),
    ("C6:over_limit", "500.00", "0.00", "500.00", False, True),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset loaded into raw.* and everything up to the customer marts built."""
    folder = tmp_path_factory.mktemp("customers")
    path = folder / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    ensure_raw_schema(con)
    insert(con, "erp__customers", CUSTOMERS)
    insert(con, "erp__documents", DOCUMENTS)
    insert(con, "erp__payments", ERP_PAYMENTS)
    insert(con, "bureau__reports", REPORTS)
    insert(con, "reference__fx_rates", fx_rates())
    con.close()
    result = run_dbt(
        path,
        folder,
        "build",
        "--vars",
        f"{{as_of_date: '{AS_OF}'}}",
        "--select",
        "+path:models/intermediate/customers",
        "+path:models/marts/customers",
        "--indirect-selection",
        "cautious",
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return path


def test_dim_customers_scores_as_worked_out_by_hand(warehouse: Path):
    found = rows(
        warehouse,
        """
        select customer_id, segment, risk_score, risk_class, risk_factor_1, risk_factor_2,
               dunning_procedure, cast(avg_days_late as varchar),
               cast(open_amount_reporting as varchar), cast(utilisation as varchar)
        from marts.dim_customers order by customer_id""",
    )
    assert found == EXPECTED_CUSTOMERS


def test_risk_factors_add_up_to_the_score(warehouse: Path):
    found = rows(
        warehouse,
        """
        select factor, points from intermediate.int_customers_risk_factors
        where customer_id = 'C2' order by factor""",
    )
    assert found == [
        ("bureau_pd", 18),
        ("days_late", 20),
        ("negative_features", 5),
        ("over_limit", 3),
        ("overdue_share", 20),
    ]
    uncapped = rows(
        warehouse,
        """
        select d.customer_id from marts.dim_customers as d
        left join (select customer_id, sum(points) as points
                   from intermediate.int_customers_risk_factors group by customer_id) as f
            using (customer_id)
        where d.risk_score <> least(100, coalesce(f.points, 0))""",
    )
    assert uncapped == []


def test_credit_limit_breaches_are_order_blocks(warehouse: Path):
    found = rows(
        warehouse,
        """
        select credit_limit_breach_id, cast(open_amount_reporting as varchar),
               cast(credit_limit_reporting as varchar), cast(excess_amount_reporting as varchar),
               is_insolvent, order_block
        from marts.fct_credit_limit_breaches order by credit_limit_breach_id""",
    )
    assert found == EXPECTED_BREACHES


def test_latest_bureau_report_on_the_as_of_date(warehouse: Path):
    found = rows(
        warehouse,
        """
        select customer_id, bureau, cast(bureau_report_date as varchar),
               cast(probability_of_default as double), is_insolvent, bureau_score_scale
        from marts.dim_customers where bureau is not null order by customer_id""",
    )
    assert found == [
        ("C1", "creditreform", "2026-10-01", 0.003, False, CREDITREFORM),
        ("C2", "crif", "2026-08-17", 0.02, False, CRIF),
        ("C3", "creditreform", "2026-10-01", 1.0, True, CREDITREFORM),
    ]


SAMPLE_TRUTH = PROJECT_ROOT / "seeds" / "sample" / "truth" / "personalities.csv"


def test_risk_classes_follow_the_sample_personalities(sample_workspace: Settings):
    """The generator's hidden payment personalities show in the risk classes."""
    if not SAMPLE_TRUTH.exists():
        pytest.skip("the bundled sample has no truth/personalities.csv")
    with SAMPLE_TRUTH.open(newline="") as handle:
        personality = {r["customer_id"]: r["personality"] for r in csv.DictReader(handle)}
    scored = rows(
        sample_workspace.warehouse_path,
        "select customer_id, risk_score, risk_class from marts.dim_customers",
    )
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for customer_id, score, klass in scored:
        if customer_id in personality:
            by_kind.setdefault(personality[customer_id], []).append((score, klass))

    def mean(kind: str) -> float:
        values = [score for score, _ in by_kind.get(kind, [])]
        return sum(values) / len(values) if values else float("nan")

    assert all(klass == "E" for _, klass in by_kind.get("insolvent", []))
    drifting = next((k for k in by_kind if k.startswith("drifting")), None)
    if drifting:
        assert all(klass in ("C", "D", "E") for _, klass in by_kind[drifting])
    punctual = by_kind.get("punctual", [])
    assert sum(klass in ("A", "B") for _, klass in punctual) == len(punctual)
    assert sum(klass == "A" for _, klass in punctual) >= 0.8 * len(punctual)
    assert mean("punctual") < mean("chronically_late")
    assert mean("slightly_late") < mean("chronically_late")
    if drifting:
        assert mean("chronically_late") < mean(drifting) < mean("insolvent")

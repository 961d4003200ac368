"""The posted credit-note ledger (int_credit_note_applications_posted) over two days, with
outcomes worked out by hand.

Day 1 (2025-06-30) opens both ledgers:
- Eta's invoice RE-2025-004001 (1,000.00) and its credit note GS-2025-004001 (300.00,
  naming it): set off 300.00, dated the credit note's issue day 06-10.
- Iota's RE-2025-007001 (1,000.00), paid 900.00 by B7A on 06-20 "abzgl. GS-2025-007001"
  (a credit note of 100.00 naming no invoice): the payer's set-off, 100.00, dated 06-20.
- Eta's RE-2025-005001 (1,000.00), paid the same way by B5 (900.00 on 06-21, less
  GS-2025-005001, 100.00).
Day 2 (07-01):
- the ERP sends GS-2025-004001 again for 250.00: its set-off is reversed (-300.00) and
  posted anew (250.00); RE-2025-004001 is open 750.00.
- Iota pays the deducted 100.00 anyway (B7B, naming RE-2025-007001). Cash application
  proposes it for the invoice, but the invoice holds 900.00 paid and 100.00 set off: the
  cash ledger posts B7B as unapplied (document_already_settled), nothing is applied twice.
- a controller reverses B5 on RE-2025-005001: the invoice is open again (1,000.00), and
  the set-off B5 carried goes with it (payment_taken_back, -100.00): GS-2025-005001 is an
  open credit of -100.00 again.
As of day 1 afterwards, the books of day 1.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.loading.raw_tables import ensure_raw_schema, insert
from tests.dbt.helpers import projections_differing, rows, run_dbt
from tests.dbt.test_cash_application import CUSTOMERS, IBAN, b, bank, document
from tests.dbt.test_posted_ledger import arrived

DAY1, DAY2 = "2025-06-30", "2025-07-01"
SELECT = ("--select", "+fct_open_items", "+fct_unapplied_cash")
TESTED = (
    "int_credit_note_applications_posted",
    "int_credit_note_applications_as_of",
    "int_payment_allocations_posted",
    "int_payment_applications",
)
SET_OFFS = """select credit_note_id, document_id, payment_id, cast(amount as varchar),
                     application_method, posting_kind, cast(posting_date as varchar),
                     cast(posted_on as varchar)
              from intermediate.int_credit_note_applications_posted order by all"""
OPEN = """select document_id, cast(open_amount as varchar) from marts.fct_open_items
          where open_amount <> 0 order by all"""
UNAPPLIED = """select payment_id, cast(amount as varchar), reason
               from marts.fct_unapplied_cash order by all"""


def credit_note(document_id: str, customer_id: str, issued: str, amount: str, **extra) -> dict:
    """A credit note, naming its invoice (applies_to) or none."""
    row = document(document_id, customer_id, issued, issued, amount, **extra)
    return row | {"document_type": "credit_note"}


def build(warehouse: Path, work: Path, as_of: str) -> None:
    day = ("--vars", f"{{as_of_date: '{as_of}'}}")
    for args in (("run", *day, *SELECT), ("test", *day, "--select", *TESTED)):
        result = run_dbt(warehouse, work, *args)
        assert result.returncode == 0, result.stdout[-6000:]


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    folder = tmp_path_factory.mktemp("set_offs")
    path = folder / "warehouse.duckdb"
    eta, iota = IBAN["F"], IBAN["H"]
    with duckdb.connect(str(path)) as con:
        ensure_raw_schema(con)
        insert(con, "erp__customers", CUSTOMERS)
        insert(con, "erp__documents", [
            document("RE-2025-004001", "C10007", "2025-05-01", "2025-05-31", "1000.00"),
            credit_note("GS-2025-004001", "C10007", "2025-06-10", "300.00",
                        applies_to="RE-2025-004001"),
            document("RE-2025-005001", "C10007", "2025-05-02", "2025-06-01", "1000.00"),
            credit_note("GS-2025-005001", "C10007", "2025-06-05", "100.00"),
            document("RE-2025-007001", "C10009", "2025-05-03", "2025-06-02", "1000.00"),
            credit_note("GS-2025-007001", "C10009", "2025-06-05", "100.00"),
        ])  # fmt: skip
        insert(con, "bank__transactions", [
            bank("B7A", "2025-06-20", "900.00", iota, "IOTA ELEKTRO",
                 "RE-2025-007001 abzgl. GS-2025-007001"),
            bank("B5", "2025-06-21", "900.00", eta, "ETA WERKZEUGE",
                 "RE-2025-005001 abzgl. GS-2025-005001"),
        ])  # fmt: skip
        arrived(con, range(1, 5), DAY1)
    seeded = run_dbt(path, folder, "seed")
    assert seeded.returncode == 0, seeded.stdout[-6000:]
    found: dict[str, list[tuple]] = {}

    build(path, folder, DAY1)
    found["day1_set_offs"] = rows(path, SET_OFFS)
    found["day1_open"] = rows(path, OPEN)

    with duckdb.connect(str(path)) as con:
        changed = credit_note("GS-2025-004001", "C10007", "2025-06-10", "250.00",
                              applies_to="RE-2025-004001")  # fmt: skip
        insert(con, "erp__documents", [changed | {"_file_seq": 6}])
        paid_again = bank("B7B", "2025-06-30", "100.00", iota, "IOTA ELEKTRO", "RE-2025-007001")
        insert(con, "bank__transactions", [paid_again | {"_file_seq": 7}])
        arrived(con, (6, 7), DAY2)
        insert(con, "ops__allocation_reversals", [{
            "reversal_id": "rev-b5",
            "at": datetime(2025, 7, 1, 9, 0),
            "actor": "controller.anna",
            "payment_id": b("B5"),
            "document_id": "RE-2025-005001",
            "posting_date": date(2025, 7, 1),
            "reason": "B5 was Eta's advance for another order",
        }])  # fmt: skip
    build(path, folder, DAY2)
    found["day2_set_offs"] = rows(path, SET_OFFS)
    found["day2_open"] = rows(path, OPEN)
    found["day2_unapplied"] = rows(path, UNAPPLIED)
    found["day2_projections_differing"] = projections_differing(path, folder / "full", DAY2)

    build(path, folder, DAY1)
    found["day1_again_open"] = rows(path, OPEN)
    return found


OPENING = [
    ("GS-2025-004001", "RE-2025-004001", None, "300.00", "credit_note_linked", "opening",
     "2025-06-10", DAY1),
    ("GS-2025-005001", "RE-2025-005001", b("B5"), "100.00", "credit_note_named", "opening",
     "2025-06-21", DAY1),
    ("GS-2025-007001", "RE-2025-007001", b("B7A"), "100.00", "credit_note_named", "opening",
     "2025-06-20", DAY1),
]  # fmt: skip


def test_the_opening_posts_the_set_offs_dated_when_they_were_made(days):
    assert days["day1_set_offs"] == OPENING
    # 1000 - 300 set off; the others paid 900 + 100 set off
    assert days["day1_open"] == [("RE-2025-004001", "700.00")]


def test_a_changed_credit_note_is_reversed_and_posted_again(days):
    assert set(days["day2_set_offs"]) - set(OPENING) == {
        ("GS-2025-004001", "RE-2025-004001", None, "-300.00", "credit_note_linked",
         "source_changed", DAY2, DAY2),
        ("GS-2025-004001", "RE-2025-004001", None, "250.00", "credit_note_linked", "posted",
         DAY2, DAY2),
        ("GS-2025-005001", "RE-2025-005001", b("B5"), "-100.00", "credit_note_named",
         "payment_taken_back", DAY2, DAY2),
    }  # fmt: skip


def test_nothing_is_applied_twice_and_a_reversed_payment_takes_its_set_off(days):
    # RE-2025-004001: 1000 - 250; RE-2025-005001 open in full, its credit note open again;
    # RE-2025-007001 stays settled by 900 + the 100 set off
    assert days["day2_open"] == [
        ("GS-2025-005001", "-100.00"),
        ("RE-2025-004001", "750.00"),
        ("RE-2025-005001", "1000.00"),
    ]
    assert days["day2_unapplied"] == [
        (b("B5"), "900.00", "reversed"),
        (b("B7B"), "100.00", "document_already_settled"),
    ]


def test_a_past_day_shows_its_own_books(days):
    assert days["day1_again_open"] == days["day1_open"]


def test_the_state_kept_by_key_equals_a_full_projection_on_day_2(days):
    """The set-off changed by the ERP, the payment that comes anyway and the reversal that
    takes a set-off with it leave the movements and applications kept by key (stepped
    from day 1) equal to a full projection of day 2."""
    assert days["day2_projections_differing"] == {}

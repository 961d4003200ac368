"""The posted cash ledger (int_payment_allocations_posted), day by day, on the hand-made
dataset of test_cash_application, with outcomes worked out by hand.

Day 1 (2025-06-30) opens the ledger: every payment as cash application proposes it, each
row dated its payment's day. Day 2 (07-01) brings a late credit L2 from Theta, booked
05-01, before Theta's posted FIFO payments B16 and B17: recomputed over all history, cash
application would hand invoice RE-2025-000701 to L2 and move B16 on, but the ledger keeps
B16 and B17 as posted and decides only L2 (and the 30.00 B17 left open), against what they
left: nothing of Theta's is open, so L2's 100.00 stays unapplied (overpayment), posted on
its arrival day. Day 2
also brings the invoice RE-2025-001201 that the unmatched credit R1 (day 1: no_match)
names: a retry applies R1 to it; and the ERP payment P-9 that clears RE-2025-000104, held
by the bank credit B04, which is taken off it. Day 3 (07-02) posts a controller's
reversal of B03 on RE-2025-000103: the invoice is open again, B03's 300.00 waits as
`reversed`; a re-run of day 3 posts the same rows once. Day 3 also brings N1, 30.00 from
an account nobody knows, signed "KAPPA PAPIER": identified by name as Kappa, it pays
Kappa's last 30.00. Day 4 (07-03) brings N2 from the same account naming Eta's invoice
RE-2025-000601 verbatim: recomputed over all history, that would teach the account to be
Eta's and move N1 to Eta (a learned IBAN outranks a name); posted, N1 keeps its payer.
Afterwards, as of day 1 the marts show day 1's books: the files of later days
(raw.ingested_files.arrival_date) are not read for day 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.loading.raw_tables import ensure_raw_schema, insert
from tests.dbt.helpers import projections_differing, rows, run_dbt
from tests.dbt.test_cash_application import (
    CUSTOMERS,
    DOCUMENTS,
    ERP_PAYMENTS,
    IBAN,
    STRANGER,
    TRANSACTIONS,
    b,
    bank,
    document,
    erp_payment,
)

DAY1, DAY2, DAY3, DAY4 = "2025-06-30", "2025-07-01", "2025-07-02", "2025-07-03"
SELECT = (
    "--select", "+fct_open_items", "+fct_payment_matches", "+fct_unapplied_cash",
    "int_receivables_daily_deltas",
)  # fmt: skip
TESTED = (
    "int_payment_allocations_posted",
    "int_payments_posted",
    "int_payments",
    "int_payment_applications",
)
LEDGER = """select payment_id, document_id, cast(amount as varchar), unapplied_reason,
                   posting_kind, cast(posting_date as varchar), cast(posted_on as varchar),
                   reversal_id
            from intermediate.int_payment_allocations_posted"""
MATCHES = """select payment_id, document_id, cast(applied_amount as varchar), match_method
             from marts.fct_payment_matches order by all"""
UNAPPLIED = """select payment_id, cast(amount as varchar), reason
               from marts.fct_unapplied_cash order by all"""
VERSIONS = """select payment_id, customer_id, identified_by, decided_as,
                    cast(valid_from as varchar), cast(decided_on as varchar),
                    cast(superseded_on as varchar)
             from intermediate.int_payments_posted order by all"""
PAYERS = """select payment_id, customer_id, identified_by
            from intermediate.int_payments order by all"""


def arrived(con: duckdb.DuckDBPyConnection, seqs: Iterable[int], day: str) -> None:
    """Record files (by the _file_seq their rows carry) as arrived on ``day``."""
    files = [{"file_seq": seq, "status": "loaded", "arrival_date": date.fromisoformat(day)}
             for seq in seqs]  # fmt: skip
    insert(con, "ingested_files", files)


def build(warehouse: Path, work: Path, as_of: str) -> None:
    """The models for one day, then the ledger's own data tests for that day."""
    day = ("--vars", f"{{as_of_date: '{as_of}'}}")
    for args in (("run", *day, *SELECT), ("test", *day, "--select", *TESTED)):
        result = run_dbt(warehouse, work, *args)
        assert result.returncode == 0, result.stdout[-6000:]


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    return {
        "matches": rows(warehouse, MATCHES),
        "unapplied": rows(warehouse, UNAPPLIED),
        "open": rows(
            warehouse,
            "select document_id, cast(open_amount as varchar) from marts.fct_open_items "
            "order by all",
        ),
    }


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("posted")
    path = folder / "warehouse.duckdb"
    r1 = bank("R1", "2025-06-25", "150.00", STRANGER + "06", "Neukunde", "RE-2025-001201")
    with duckdb.connect(str(path)) as con:
        ensure_raw_schema(con)
        insert(con, "erp__customers", CUSTOMERS)
        insert(con, "erp__documents", DOCUMENTS)
        insert(con, "bank__transactions", [*TRANSACTIONS, r1])
        insert(con, "erp__payments", ERP_PAYMENTS)
        arrived(con, range(1, 5), DAY1)
    found: dict[str, object] = {}
    seeded = run_dbt(path, folder, "seed")  # the reference tables the models join
    assert seeded.returncode == 0, seeded.stdout[-6000:]

    build(path, folder, DAY1)
    found["day1_ledger"] = rows(path, LEDGER + " order by all")
    found["day1"] = snapshot(path)

    with duckdb.connect(str(path)) as con:
        late = bank("L2", "2025-05-01", "100.00", IBAN["G"], "THETA BAU") | {"_file_seq": 5}
        insert(con, "bank__transactions", [late])
        invoice = document("RE-2025-001201", "C10010", "2025-06-20", "2025-07-20", "150.00")
        insert(con, "erp__documents", [invoice | {"_file_seq": 6}])
        cleared = erp_payment("P-9", "C10001", "RE-2025-000104", "420.00", "2025-06-28")
        insert(con, "erp__payments", [cleared | {"_file_seq": 7}])
        arrived(con, (5, 6, 7), DAY2)
    build(path, folder, DAY2)
    found["day2_deltas_written"] = rows(
        path,
        "select _projected_on, min(delta_date), max(delta_date) "
        "from intermediate.int_receivables_daily_deltas group by 1 order by 1",
    )
    found["day2_ledger"] = rows(path, LEDGER + " order by all")
    found["day2"] = snapshot(path)

    with duckdb.connect(str(path)) as con:
        reversal = {
            "reversal_id": "rev-1",
            "at": datetime(2025, 7, 2, 9, 30),
            "actor": "controller.anna",
            "payment_id": b("B03"),
            "document_id": "RE-2025-000103",
            "posting_date": date(2025, 7, 2),
            "reason": "B03 paid the credit note's invoice, see call of 1 July",
        }
        insert(con, "ops__allocation_reversals", [reversal])
        named = bank("N1", DAY3, "30.00", STRANGER + "07", "KAPPA PAPIER", "Danke")
        insert(con, "bank__transactions", [named | {"_file_seq": 8}])
        arrived(con, (8,), DAY3)
    build(path, folder, DAY3)
    found["day3_ledger"] = rows(path, LEDGER + " order by all")
    found["day3"] = snapshot(path)
    found["day3_payers"] = rows(path, PAYERS)
    build(path, folder, DAY3)
    found["day3_rerun_ledger"] = rows(path, LEDGER + " order by all")

    with duckdb.connect(str(path)) as con:
        teaching = bank("N2", DAY4, "50.00", STRANGER + "07", "KAPPA PAPIER", "RE-2025-000601")
        insert(con, "bank__transactions", [teaching | {"_file_seq": 9}])
        # the ERP re-sends its cleared payments unchanged (a full extract): no new version
        insert(con, "erp__payments", [p | {"_file_seq": 10} for p in ERP_PAYMENTS])
        arrived(con, (9, 10), DAY4)
    build(path, folder, DAY4)
    found["day4_ledger"] = rows(path, LEDGER + " order by all")
    found["day4"] = snapshot(path)
    found["day4_payers"] = rows(path, PAYERS)
    found["day4_decided"] = rows(
        path, "select payment_id, decided_as from intermediate.int_payments_to_identify"
    )
    found["day4_projections_differing"] = projections_differing(path, folder / "full", DAY4)
    found["day4_matches_written_on"] = rows(
        path,
        "select _projected_on, list(distinct payment_id order by payment_id) "
        "from marts.fct_payment_matches group by 1 order by 1",
    )
    found["movements_logged"] = rows(
        path,
        "select as_of_date, key_value, earliest_date from intermediate.projection_keys "
        "where projection = 'int_document_movements' order by all",
    )
    found["day4_keys_logged"] = rows(
        path,
        "select projection, list(key_value order by key_value) from intermediate.projection_keys "
        f"where as_of_date = '{DAY4}' and projection in "
        "('int_payment_applications', 'int_payments', 'fct_payment_matches', "
        "'int_documents_issued', 'int_document_movements', 'int_documents_open') "
        "group by 1 order by 1",
    )
    found["versions"] = rows(path, VERSIONS)
    found["erp_versions"] = rows(
        path,
        "select payment_id, _file_seq from staging.stg_erp__payment_versions order by all",
    )

    build(path, folder, DAY1)
    found["day1_again"] = snapshot(path)
    found["day1_again_payers"] = rows(path, PAYERS)
    found["ledger_after_past_run"] = rows(path, LEDGER + " order by all")
    found["versions_after_past_run"] = rows(path, VERSIONS)
    return found


def posted_on(ledger: list[tuple], day: str) -> set[tuple]:
    return {row for row in ledger if row[6] == day}


def test_day_one_opens_the_ledger_with_each_payment_on_its_own_day(days):
    ledger = days["day1_ledger"]
    assert {row[4] for row in ledger} == {"opening"}
    b16 = sorted(row[:5] + row[5:6] for row in ledger if row[0] == b("B16"))
    assert b16 == [
        (b("B16"), "RE-2025-000701", "100.00", None, "opening", "2025-05-17"),
        (b("B16"), "RE-2025-000702", "150.00", None, "opening", "2025-05-17"),
    ]
    r1 = [row[:6] for row in ledger if row[0] == b("R1")]
    assert r1 == [(b("R1"), None, "150.00", "no_match", "opening", "2025-06-25")]


def test_a_late_credit_is_posted_on_its_arrival_day_and_moves_nothing_posted(days):
    assert posted_on(days["day2_ledger"], DAY1) == posted_on(days["day1_ledger"], DAY1)
    l2 = {row for row in posted_on(days["day2_ledger"], DAY2) if row[0] == b("L2")}
    assert l2 == {(b("L2"), None, "100.00", "overpayment", "posted", DAY2, DAY2, None)}
    theta = {(b("B16"), "RE-2025-000701"), (b("B16"), "RE-2025-000702"),
             (b("B17"), "RE-2025-000702"), (b("B17"), "RE-2025-000703")}  # fmt: skip
    assert [m for m in days["day2"]["matches"] if m[:2] in theta] == [
        m for m in days["day1"]["matches"] if m[:2] in theta
    ]


def test_a_retry_applies_what_was_unapplied_once_the_invoice_is_known(days):
    r1 = {row for row in posted_on(days["day2_ledger"], DAY2) if row[0] == b("R1")}
    assert r1 == {
        (b("R1"), None, "-150.00", "no_match", "retry", DAY2, DAY2, None),
        (b("R1"), "RE-2025-001201", "150.00", None, "retry", DAY2, DAY2, None),
    }
    assert (b("R1"), "RE-2025-001201", "150.00", "document_number") in days["day2"]["matches"]
    assert not [u for u in days["day2"]["unapplied"] if u[0] == b("R1")]


def test_the_erp_clearing_an_invoice_takes_it_from_the_bank_credit_that_held_it(days):
    """P-9, an ERP payment of 06-28 arriving on day 2, clears RE-2025-000104, which the
    ledger had settled with the bank credit B04 (day 1): the ERP is the book of record, so
    B04's 420.00 comes off the invoice and waits as erp_cleared_otherwise; it is not
    retried on RE-2025-000104 (day 3 posts nothing for B04)."""
    posted = {row for row in posted_on(days["day2_ledger"], DAY2) if row[0] in (b("B04"), "P-9")}
    kind = "erp_cleared_otherwise"
    assert posted == {
        (b("B04"), "RE-2025-000104", "-420.00", None, kind, DAY2, DAY2, None),
        (b("B04"), None, "420.00", kind, kind, DAY2, DAY2, None),
        ("P-9", "RE-2025-000104", "420.00", None, "posted", DAY2, DAY2, None),
    }
    assert ("P-9", "RE-2025-000104", "420.00", "erp_cleared") in days["day2"]["matches"]
    assert not [m for m in days["day2"]["matches"] if m[0] == b("B04")]
    assert (b("B04"), "420.00", kind) in days["day2"]["unapplied"]
    assert not [row for row in posted_on(days["day3_ledger"], DAY3) if row[0] == b("B04")]


def test_a_reversal_reopens_the_invoice_and_parks_the_money(days):
    posted = {row for row in posted_on(days["day3_ledger"], DAY3) if row[0] == b("B03")}
    assert posted == {
        (b("B03"), None, "300.00", "reversed", "reversal", DAY3, DAY3, "rev-1"),
        (b("B03"), "RE-2025-000103", "-300.00", None, "reversal", DAY3, DAY3, "rev-1"),
    }
    assert ("RE-2025-000103", "300.00") in days["day3"]["open"]
    assert ("RE-2025-000103", "300.00") not in days["day2"]["open"]
    assert (b("B03"), "300.00", "reversed") in days["day3"]["unapplied"]
    assert not [m for m in days["day3"]["matches"] if m[0] == b("B03")]


def test_a_rerun_of_the_latest_day_posts_the_same_rows_once(days):
    assert days["day3_rerun_ledger"] == days["day3_ledger"]


def test_a_past_day_reads_the_books_as_posted_then_and_posts_nothing(days):
    assert days["ledger_after_past_run"] == days["day4_ledger"]
    assert days["versions_after_past_run"] == days["versions"]
    # the cash ledger as posted by day 1, the invoice RE-2025-001201 (dated 06-20) and the
    # credit L2 (booked 05-01) unknown, as they arrived on day 2: day 1's books exactly
    assert days["day1_again"] == days["day1"]


def test_every_payment_adds_up_to_the_cent_every_day(days):
    for day in ("day1", "day2", "day3"):
        ledger = days[f"{day}_ledger"]
        totals: dict[str, Decimal] = {}
        for row in ledger:
            totals[row[0]] = totals.get(row[0], Decimal(0)) + Decimal(row[2])
        assert totals[b("B03")] == Decimal("300.00")
        assert totals[b("R1")] == Decimal("150.00")
        assert totals[b("B04")] == Decimal("420.00")


def test_a_payer_is_identified_once_and_kept_when_a_later_credit_teaches_otherwise(days):
    """N1 is Kappa's by name on day 3 and pays Kappa's last 30.00 (RE-2025-001001: 80.00,
    of which P-2 paid 50.00). N2 on day 4 names Eta's invoice from the same account, which
    would teach the account to be Eta's: N1 keeps its payer and its application, and N2
    (whose own number never confirms itself) is Kappa's by name too, with nothing of
    Kappa's open: unapplied, flagged as naming another customer's invoice."""
    n1 = (b("N1"), "C10010", "name")
    assert n1 in days["day3_payers"]
    assert n1 in days["day4_payers"]
    assert (b("N2"), "C10010", "name") in days["day4_payers"]
    for day in ("day3", "day4"):
        assert (b("N1"), "RE-2025-001001", "30.00", "amount_name") in [
            m for m in days[day]["matches"] if m[0] == b("N1")
        ], day
    assert [v for v in days["versions"] if v[0] == b("N1")] == [
        (b("N1"), "C10010", "name", "new", DAY3, DAY3, None)
    ]


def test_an_unidentified_credit_is_retried_and_its_new_payer_is_a_new_version(days):
    """R1 (day 1: nobody's, naming an invoice not yet sent) is decided again on day 2, when
    the invoice arrives: Kappa's, by the document it names. Both versions stay on record;
    day 1, run again afterwards, still knows R1 as nobody's."""
    r1 = sorted((v for v in days["versions"] if v[0] == b("R1")), key=lambda v: v[5])
    assert r1 == [
        (b("R1"), None, None, "new", "2025-06-25", DAY1, DAY2),
        (b("R1"), "C10010", "document", "retry", DAY2, DAY2, None),
    ]
    assert (b("R1"), None, None) in days["day1_again_payers"]
    assert (b("R1"), "C10010", "document") in days["day4_payers"]


def test_a_day_decides_only_its_new_payments_and_the_open_ones(days):
    """Day 4 decides N2 (new) and retries what is still open, with the unapplied money it
    holds (L2's overpayment, B04's 420.00 the ERP took back) or without a payer; N1 and
    every other settled payment stand as decided."""
    decided = dict(days["day4_decided"])
    assert {p for p, why in decided.items() if why == "new"} == {b("N2")}
    assert decided[b("L2")] == "retry"
    assert decided[b("B04")] == "retry"
    assert b("N1") not in decided
    assert b("B16") not in decided
    # re-sent unchanged on day 4: the same version, from the file that first brought it
    assert "P-1" not in decided and "P-2" not in decided
    assert days["erp_versions"] == [("P-1", 4), ("P-2", 4), ("P-9", 7)]
    assert set(decided.values()) <= {"new", "retry"}
    assert len(decided) < len(days["day4_payers"]) / 2


def test_the_state_kept_by_key_equals_a_full_projection_after_the_days(days):
    """The keyed projections (int_payments, the ledger as of the day, ...) stepped through
    the late credit, the retry, the ERP clearing, the reversal, the re-run and the new
    payer hold on day 4 what a full projection of day 4 holds."""
    assert days["day4_projections_differing"] == {}


def test_a_projection_of_projections_steps_by_the_keys_they_logged(days):
    """fct_payment_matches reads int_payment_applications and int_payments. On day 4 both
    log B18 (returned, so re-projected every day) and N2 (the day's credit); the mart
    re-projects exactly those two: B18's match and its return reversal are written again,
    N2 applies to nothing (the day's unapplied cash), and every other match stays as the
    re-run of day 3 wrote it. The open-item state (int_documents_open) follows the
    documents issued (no new version on day 4: nothing logged) and the movements (B18's
    invoice RE-2025-000801, moved by B18 again)."""
    assert dict(days["day4_keys_logged"]) == {
        "fct_payment_matches": [b("B18"), b("N2")],
        "int_payment_applications": [b("B18"), b("N2")],
        "int_payments": [b("B18"), b("N2")],
        "int_document_movements": ["RE-2025-000801"],
        "int_documents_open": ["RE-2025-000801"],
    }
    written = dict(days["day4_matches_written_on"])
    assert set(written) == {date.fromisoformat(DAY3), date.fromisoformat(DAY4)}
    assert written[date.fromisoformat(DAY4)] == [b("B18")]
    assert b("B18") not in written[date.fromisoformat(DAY3)]


def test_the_daily_series_is_recomputed_from_the_earliest_changed_date(days):
    """int_document_movements logs, per document it re-projected, the earliest date of a
    movement that changed. Day 2: P-9 (the ERP's clearing of 06-28) takes RE-2025-000104
    from B04, whose application of 04-13 goes; RE-2025-001201 is issued on 06-20;
    RE-2025-000801 is re-projected for B18's return every day but unchanged (no date).
    Day 3's re-run projects every key (a null key). So on day 2 the daily deltas
    (int_receivables_daily_deltas) are re-projected from 04-13 on; the days before
    stand as day 1 wrote them."""
    day1, day2, day3, day4 = (date.fromisoformat(d) for d in (DAY1, DAY2, DAY3, DAY4))
    assert days["movements_logged"] == [
        (day1, None, None),
        (day2, "RE-2025-000104", date(2025, 4, 13)),
        (day2, "RE-2025-000801", None),
        (day2, "RE-2025-001201", date(2025, 6, 20)),
        (day3, None, None),
        (day4, "RE-2025-000801", None),
    ]
    (kept, _, kept_until), (stepped, stepped_from, _) = days["day2_deltas_written"]
    assert (kept, stepped) == (day1, day2)
    assert kept_until < date(2025, 4, 13) <= stepped_from

"""The bundled sample through the whole pipeline: everything loaded, books reconciled,
cash applied as the generator's ground truth says, a second run changes nothing."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from core.settings import Settings
from orchestration.reconciliation import bank_credit_differences, open_items_differences
from orchestration.runner import run_job
from tests.conftest import SAMPLE, sample_as_of

pytestmark = pytest.mark.slow

MARTS = (
    "fct_open_items",
    "fct_payment_matches",
    "fct_unapplied_cash",
    "dim_customers",
    "fct_aging",
    "fct_kpis_daily",
    "fct_dunning_proposals",
    "fct_collector_worklist",
)


def landing_files() -> int:
    return sum(1 for p in (SAMPLE / "landing").rglob("*") if p.is_file())


def test_every_sample_file_is_loaded_once(sample_workspace: Settings):
    with duckdb.connect(str(sample_workspace.warehouse_path), read_only=True) as con:
        statuses = con.execute(
            "select status, count(*) from raw.ingested_files where source <> 'reference' group by 1"
        ).fetchall()
        for mart in MARTS:
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] > 0, mart
    assert statuses == [("loaded", landing_files())]


def test_books_reconcile_to_the_cent(sample_workspace: Settings):
    as_of = date.fromisoformat(sample_as_of())
    with duckdb.connect(str(sample_workspace.warehouse_path), read_only=True) as con:
        assert open_items_differences(con, as_of) == []
        assert bank_credit_differences(con, as_of) == []


def test_cash_application_against_the_ground_truth(sample_workspace: Settings):
    """≥ 97 % of the bank credits that belong to an invoice are applied automatically, and
    none is applied to a wrong invoice by a reference or amount rule; the only deviation
    allowed is BGB §366(2): a payment that names no invoice goes to the oldest due one."""
    truth = SAMPLE / "truth" / "bank_payments.csv"
    with duckdb.connect(str(sample_workspace.warehouse_path), read_only=True) as con:
        con.execute(
            "create temp table truth as select account_iban || ':' || bank_reference as payment_id,"
            " document_id from read_csv(?, all_varchar = true)"
            " where coalesce(document_id, '') <> '' and kind not in ('return', 'other')",
            [str(truth)],
        )
        credits, applied = con.execute(
            """select count(distinct payment_id),
                      count(distinct payment_id) filter (where payment_id in (
                          select payment_id from marts.fct_payment_matches))
               from truth"""
        ).fetchone()
        wrong = con.execute(
            """select m.match_method, count(*) from marts.fct_payment_matches m
               where m.applied_amount > 0 and m.payment_id in (select payment_id from truth)
                 and not exists (select 1 from truth t
                                 where t.payment_id = m.payment_id
                                   and t.document_id = m.document_id)
               group by 1"""
        ).fetchall()
    assert credits > 1000
    assert applied / credits >= 0.97
    assert {method for method, _ in wrong} <= {"fifo"}


def test_open_items_against_the_ground_truth(sample_workspace: Settings):
    """The open-item list is the generator's, document by document and to the cent; every
    credit note a payer deducted ("RE... abzgl. GS...", or an invoice paid short by it) is
    set off. Two known deviations, both with the same customer balance as the truth:
    C10060's payment without reference goes to the oldest due invoice (BGB §366(2)), and
    C10053 paid RE-2025-000005 in full after its credit note GS-2025-000005 was issued (the
    credit note applies to its invoice, the surplus is an overpayment, not an open credit)."""
    open_truth = SAMPLE / "truth" / "open_items.csv"
    paid_truth = SAMPLE / "truth" / "bank_payments.csv"
    with duckdb.connect(str(sample_workspace.warehouse_path), read_only=True) as con:
        differing = con.execute(
            """with truth as (
                   select document_id, cast(open_amount as decimal(18, 2)) as open_amount
                   from read_csv(?, all_varchar = true))
               select coalesce(o.document_id, t.document_id)
               from marts.fct_open_items o full outer join truth t using (document_id)
               where o.open_amount is distinct from t.open_amount order by 1""",
            [str(open_truth)],
        ).fetchall()
        deducted_still_open = con.execute(
            """select document_id from read_csv(?, all_varchar = true)
               where document_id like 'GS-%'
               intersect select document_id from marts.fct_open_items""",
            [str(paid_truth)],
        ).fetchall()
        set_off = con.execute(
            """select application_method, count(*) from intermediate.int_credit_note_applications
               where application_method <> 'credit_note_linked' group by 1 order by 1"""
        ).fetchall()
    assert deducted_still_open == []
    assert set_off == [("credit_note_amount", 4), ("credit_note_named", 7)]
    assert [d for (d,) in differing] == ["GS-2025-000005", "RE-2025-000563", "RE-2026-000383"]


def test_a_second_run_changes_nothing_and_sends_nothing_twice(sample_workspace: Settings):
    def state() -> tuple:
        with duckdb.connect(str(sample_workspace.warehouse_path), read_only=True) as con:
            files = con.execute("select count(*), max(file_seq) from raw.ingested_files").fetchone()
            open_items = con.execute(
                "select count(*), sum(open_amount) from marts.fct_open_items"
            ).fetchone()
        sent = sorted(p.name for p in sample_workspace.outbox("email").rglob("*") if p.is_file())
        return files, open_items, sent

    before = state()
    outcome = run_job(sample_workspace, "daily_job", date.fromisoformat(sample_as_of()))
    assert outcome.success, outcome.failures
    assert outcome.files == []
    assert state() == before


@pytest.mark.parametrize("seed, customers, invoices", [(7, 30, 500)])
def test_books_reconcile_on_other_generated_companies(tmp_path, seed, customers, invoices):
    """The reconciliation invariants hold beyond the one committed sample."""
    from core.settings import load_settings
    from orchestration.loading.files import stage_into_landing
    from tools.generate import generate_company

    company = tmp_path / "company"
    summary = generate_company(company, seed=seed, customers=customers, invoices=invoices)
    settings = load_settings({"FORDERWERK_HOME": str(tmp_path / "home")})
    settings.ensure_workspace()
    for source in ("erp", "bank", "bureau", "ops"):
        stage_into_landing(settings, sorted((company / "landing" / source).glob("*")), source)
    as_of = date.fromisoformat(str(summary.get("end", sample_as_of())))
    outcome = run_job(settings, "daily_job", as_of)
    assert outcome.success, outcome.failures  # the blocking reconciliation checks passed
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert open_items_differences(con, as_of) == []
        assert bank_credit_differences(con, as_of) == []
        assert con.execute("select count(*) from marts.fct_open_items").fetchone()[0] > 0

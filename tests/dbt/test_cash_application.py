"""Cash application end to end: a hand-made raw dataset through dbt, exact results.

Every rule of the cash application models (dbt_project/models/intermediate/cash_application)
has a payment here whose outcome was worked out by hand: exact RF references (structured
and written in groups of four), document numbers in the forms customers write them, the
payer check on document numbers, amount and subset matches (unique and ambiguous), FIFO
for partial payments, overpayments, a document named twice, a bounced direct debit, credit
notes, ERP-cleared payments and the as-of date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.loading.raw_tables import ensure_raw_schema, insert
from tests.dbt.helpers import rows, run_dbt

AS_OF = "2025-06-30"
OURS = "DE89370400440532013000"
IBAN = {
    "A": "DE02100100100006820101",
    "B": "DE02100100100006820102",
    "C": "DE02100100100006820103",
    "E": "FR7630006000011234567890189",
    "F": "DE02100100100006820106",
    "G": "DE02100100100006820107",
    "H": "DE02100100100006820108",
    "Z": "GB33BUKB20201555555555",
}
MUELLER = "MUELLER MASCHINENBAU"  # how the bank spells Müller Maschinenbau GmbH


def customer(customer_id: str, name: str, iban: str | None, currency: str = "EUR") -> dict:
    # the ERP shows IBANs in groups of four; staging and matching compare them compact
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if iban else None
    master = {"customer_id": customer_id, "name": name, "iban": grouped, "currency": currency}
    defaults = {"customer_type": "B2B", "country": "DE", "language": "de", "entity": "FW01"}
    return master | defaults | {"payment_terms_days": 30} | lineage(1, "customers.csv")


def lineage(file_seq: int, source_file: str) -> dict:
    return {"_file_seq": file_seq, "_row_number": 1, "_source_file": source_file}


CUSTOMERS = [
    customer("C10001", "Müller Maschinenbau GmbH", IBAN["A"]),
    customer("C10002", "Beta Handels AG", IBAN["B"]),
    customer("C10003", "Gamma Logistik GmbH", IBAN["C"]),
    customer("C10004", "Delta Foods B.V.", None),
    customer("C10005", "Epsilon SARL", IBAN["E"]),
    customer("C10006", "Zeta Ltd", IBAN["Z"], "GBP"),
    customer("C10007", "Eta Werkzeuge GmbH", IBAN["F"]),
    customer("C10008", "Theta Bau KG", IBAN["G"]),
    customer("C10009", "Iota Elektro GmbH", IBAN["H"]),
    customer("C10010", "Kappa Papier GmbH", None),
    customer("C10011", "Lambda Textil GmbH", None),
]


def document(
    document_id: str, customer_id: str, issued: str, due: str, amount: str, **extra: str
) -> dict:
    """An invoice; extra: payment_reference, currency, or a credit note's applies_to."""
    applies_to = extra.get("applies_to")
    return {
        "document_id": document_id,
        "document_type": "credit_note" if applies_to else "invoice",
        "customer_id": customer_id,
        "issue_date": date.fromisoformat(issued),
        "due_date": date.fromisoformat(due),
        "amount": Decimal(amount),
        "currency": extra.get("currency", "EUR"),
        "payment_reference": extra.get("payment_reference"),
        "entity": "FW01",
        "applies_to_document_id": applies_to,
    } | lineage(2, "documents.csv")


# fmt: off
DOCUMENTS = [
    document("RE-2025-000101", "C10001", "2025-03-01", "2025-03-31", "1190.00",
             payment_reference="RF112025000101"),
    document("RE-2025-000102", "C10001", "2025-03-02", "2025-04-01", "500.00"),
    # the same sequence a year earlier, another customer's: "Rg.Nr. 102" must not mean it
    document("RE-2024-000102", "C10002", "2024-11-02", "2024-12-02", "500.00"),
    document("RE-2025-000103", "C10001", "2025-03-03", "2025-04-02", "300.00"),
    document("RE-2025-000104", "C10001", "2025-03-04", "2025-04-03", "420.00"),
    document("RE-2025-000105", "C10001", "2025-03-05", "2025-04-04", "200.00"),
    document("RE-2025-000106", "C10001", "2025-03-06", "2025-04-05", "100.00"),
    document("RE-2025-000107", "C10001", "2025-03-07", "2025-04-06", "1000.00"),
    document("GS-2025-000003", "C10001", "2025-04-15", "2025-04-15", "200.00",
             applies_to="RE-2025-000107"),
    document("RE-2025-000108", "C10001", "2025-03-08", "2025-04-07", "100.00"),
    document("GS-2025-000004", "C10001", "2025-04-16", "2025-04-16", "150.00",
             applies_to="RE-2025-000108"),
    document("RE-2025-000109", "C10001", "2025-03-09", "2025-04-08", "60.00"),
    document("RE-2025-000201", "C10003", "2025-04-01", "2025-05-01", "250.00"),
    document("RE-2025-000202", "C10003", "2025-04-02", "2025-05-02", "250.00"),
    document("RE-2025-000203", "C10003", "2025-04-03", "2025-05-03", "123.45"),
    document("RE-2025-000301", "C10002", "2025-04-01", "2025-05-01", "800.00"),
    document("RE-2025-000302", "C10002", "2025-04-02", "2025-05-02", "150.00",
             payment_reference="RF162025000302"),
    document("RE-2025-000310", "C10002", "2025-04-03", "2025-05-03", "99.00"),
    document("RE-2025-000401", "C10004", "2025-04-01", "2025-05-01", "400.00"),
    document("RE-2025-000402", "C10004", "2025-04-02", "2025-05-02", "300.00"),
    document("RE-2025-000501", "C10005", "2025-04-01", "2025-05-01", "100.00"),
    document("RE-2025-000502", "C10005", "2025-04-02", "2025-05-02", "250.00"),
    document("RE-2025-000503", "C10005", "2025-04-03", "2025-05-03", "75.50"),
    document("RE-2025-000504", "C10005", "2025-04-04", "2025-05-04", "30.00"),
    document("RE-2025-000601", "C10007", "2025-04-01", "2025-05-01", "50.00"),
    document("RE-2025-000602", "C10007", "2025-04-02", "2025-05-02", "70.00"),
    document("RE-2025-000603", "C10007", "2025-04-03", "2025-05-03", "20.00"),
    document("RE-2025-000604", "C10007", "2025-04-04", "2025-05-04", "100.00"),
    document("RE-2025-000701", "C10008", "2025-02-01", "2025-03-01", "100.00"),
    document("RE-2025-000702", "C10008", "2025-03-01", "2025-04-01", "200.00"),
    document("RE-2025-000703", "C10008", "2025-04-01", "2025-05-01", "300.00"),
    document("RE-2025-000801", "C10009", "2025-04-01", "2025-05-01", "150.00"),
    document("RE-2025-000901", "C10006", "2025-04-01", "2025-05-01", "400.00", currency="GBP"),
    document("RE-2025-001001", "C10010", "2025-04-01", "2025-05-01", "80.00"),
    document("RE-2025-001101", "C10011", "2025-04-01", "2025-05-01", "75.00"),
    # issued after the as-of date: would make Lambda's 75.00 ambiguous if it counted
    document("RE-2025-001102", "C10011", "2025-07-05", "2025-08-04", "75.00"),
]
# fmt: on


def bank(
    ref: str, booked: str, amount: str, iban: str | None, name: str | None, *args: str, **extra
) -> dict:
    """A transaction on our account: a credit unless extra says direction="debit"; the
    remittance text is the optional positional argument; extra: structured, e2e, is_return."""
    return {
        "account_iban": OURS,
        "statement_id": "S1",
        "bank_reference": ref,
        "content_key": ref,
        "booking_date": date.fromisoformat(booked),
        "value_date": date.fromisoformat(booked),
        "amount": Decimal(amount),
        "currency": "EUR",
        "direction": extra.get("direction", "credit"),
        "is_return": extra.get("is_return", False),
        "end_to_end_id": extra.get("e2e"),
        "counterparty_name": name,
        "counterparty_iban": iban,
        "remittance_text": args[0] if args else None,
        "structured_reference": extra.get("structured"),
        "source_format": "camt.053.001.08",
        "review_reason": extra.get("review_reason"),
        "_file_seq": 3,
        "source_file": "statement.xml",
    }


STRANGER = "DE02100100100009999"  # + two digits: accounts no customer is known by

# fmt: off
TRANSACTIONS = [
    bank("B01", "2025-04-10", "1190.00", STRANGER + "01", "Some Payer", "Danke",
         structured="RF112025000101"),
    bank("B02", "2025-04-11", "500.00", IBAN["A"], MUELLER, "Rg.Nr. 102"),
    bank("B03", "2025-04-12", "300.00", IBAN["A"], MUELLER, "Zahlung RE 2025-000103"),
    bank("B04", "2025-04-13", "420.00", IBAN["A"], MUELLER, "Rechnung 2025000104"),
    bank("B05", "2025-04-14", "250.00", IBAN["A"], MUELLER, "RE-2025-000105"),
    bank("B06", "2025-04-15", "100.00", IBAN["A"], MUELLER, "RE-2025-000106"),
    bank("B07", "2025-04-16", "100.00", IBAN["A"], MUELLER, "RE-2025-000106"),
    bank("B08", "2025-04-20", "800.00", IBAN["A"], MUELLER, "RE-2025-000107"),
    bank("B09", "2025-05-10", "250.00", IBAN["C"], "Gamma Logistik"),
    # a typo: RE-2025-000310 is Beta's invoice, but the payer is Gamma (IBAN)
    bank("B10", "2025-05-11", "123.45", IBAN["C"], "Gamma Logistik", "RE-2025-000310"),
    bank("B11", "2025-05-12", "800.00", STRANGER + "02", "Beta Holding GmbH", "RE-2025-000301"),
    # Müller pays Beta's invoice with Beta's RF reference, written in groups of four
    bank("B12", "2025-05-13", "150.00", IBAN["A"], MUELLER, "RF16 2025 0003 02"),
    bank("B13", "2025-05-14", "700.00", None, "DELTA FOODS BV", "RE-2025-000401 RE-2025-000402"),
    bank("B14", "2025-05-15", "325.50", IBAN["E"], "EPSILON"),
    bank("B15", "2025-05-16", "120.00", IBAN["F"], "ETA WERKZEUGE"),
    bank("B16", "2025-05-17", "250.00", IBAN["G"], "THETA BAU"),
    bank("B17", "2025-05-20", "380.00", IBAN["G"], "THETA BAU"),
    bank("B18", "2025-05-02", "150.00", IBAN["H"], "IOTA ELEKTRO", "Lastschrift RE-2025-000801",
         e2e="RE-2025-000801"),
    bank("D19", "2025-05-06", "150.00", IBAN["H"], "IOTA ELEKTRO", "RUECKLASTSCHRIFT",
         e2e="RE-2025-000801", direction="debit", is_return=True),
    bank("B20", "2025-05-20", "150.00", IBAN["H"], "IOTA ELEKTRO", "RE-2025-000801"),
    bank("B21", "2025-05-15", "500.00", STRANGER + "03", "Lieferant GmbH", "Rueckueberweisung",
         is_return=True),
    bank("B22", "2025-05-18", "42.00", STRANGER + "04", "Unbekannt"),
    bank("B23", "2025-05-19", "400.00", IBAN["Z"], "ZETA LTD", "RE-2025-000901"),
    bank("B24", "2025-05-21", "75.00", STRANGER + "05", "L. Holding", "Kd-Nr. 10011 Danke"),
    bank("B25", "2025-07-02", "999.00", IBAN["A"], MUELLER, "RE-2025-000101"),
    # a batch the parser loaded whole (its transactions had no amounts of their own): it
    # names Müller's invoices, yet waits for a person
    bank("B26", "2025-05-22", "600.00", IBAN["A"], MUELLER, "RE-2025-000108 | RE-2025-000109",
         review_reason="a batch of 2 transactions, 2 without an amount of their own"),
]
# fmt: on


def erp_payment(payment_id: str, customer: str, document: str | None, amount: str, paid: str):
    return {
        "payment_id": payment_id,
        "customer_id": customer,
        "document_id": document,
        "amount": Decimal(amount),
        "currency": "EUR",
        "payment_date": date.fromisoformat(paid),
    } | lineage(4, "payments.csv")


ERP_PAYMENTS = [
    erp_payment("P-1", "C10001", "RE-2025-000109", "60.00", "2025-04-20"),
    erp_payment("P-2", "C10010", None, "50.00", "2025-05-05"),
]


def b(ref: str) -> str:
    return f"{OURS}:{ref}"


# fmt: off
EXPECTED_MATCHES = sorted([
    (b("B01"), "RE-2025-000101", "1190.00", "2025-04-10", "structured_reference", "1.00"),
    (b("B02"), "RE-2025-000102", "500.00", "2025-04-11", "document_number", "0.85"),
    (b("B03"), "RE-2025-000103", "300.00", "2025-04-12", "document_number", "0.95"),
    (b("B04"), "RE-2025-000104", "420.00", "2025-04-13", "document_number", "0.95"),
    (b("B05"), "RE-2025-000105", "200.00", "2025-04-14", "document_number", "0.98"),
    (b("B06"), "RE-2025-000106", "100.00", "2025-04-15", "document_number", "0.98"),
    (b("B08"), "RE-2025-000107", "800.00", "2025-04-20", "document_number", "0.98"),
    (b("B10"), "RE-2025-000203", "123.45", "2025-05-11", "amount_iban", "0.90"),
    (b("B11"), "RE-2025-000301", "800.00", "2025-05-12", "document_number", "0.98"),
    (b("B12"), "RE-2025-000302", "150.00", "2025-05-13", "structured_reference", "1.00"),
    (b("B13"), "RE-2025-000401", "400.00", "2025-05-14", "document_number", "0.98"),
    (b("B13"), "RE-2025-000402", "300.00", "2025-05-14", "document_number", "0.98"),
    (b("B14"), "RE-2025-000502", "250.00", "2025-05-15", "amount_subset", "0.80"),
    (b("B14"), "RE-2025-000503", "75.50", "2025-05-15", "amount_subset", "0.80"),
    (b("B16"), "RE-2025-000701", "100.00", "2025-05-17", "fifo", "0.70"),
    (b("B16"), "RE-2025-000702", "150.00", "2025-05-17", "fifo", "0.70"),
    (b("B17"), "RE-2025-000702", "50.00", "2025-05-20", "fifo", "0.70"),
    (b("B17"), "RE-2025-000703", "300.00", "2025-05-20", "fifo", "0.70"),
    (b("B18"), "RE-2025-000801", "150.00", "2025-05-02", "document_number", "0.98"),
    (b("B18"), "RE-2025-000801", "-150.00", "2025-05-06", "return_reversal", "1.00"),
    (b("B20"), "RE-2025-000801", "150.00", "2025-05-20", "document_number", "0.98"),
    (b("B24"), "RE-2025-001101", "75.00", "2025-05-21", "amount_customer_reference", "0.85"),
    ("P-1", "RE-2025-000109", "60.00", "2025-04-20", "erp_cleared", "1.00"),
    ("P-2", "RE-2025-001001", "50.00", "2025-05-05", "fifo", "0.80"),
])
# fmt: on

# fmt: off
EXPECTED_UNAPPLIED = sorted([
    (b("B05"), "50.00", "overpayment", "C10001"),
    (b("B07"), "100.00", "document_already_settled", "C10001"),
    (b("B09"), "250.00", "ambiguous_amount", "C10003"),
    (b("B15"), "120.00", "ambiguous_amount", "C10007"),
    (b("B17"), "30.00", "overpayment", "C10008"),
    (b("B21"), "500.00", "returned_outgoing_payment", None),
    (b("B22"), "42.00", "no_match", None),
    (b("B23"), "400.00", "currency_mismatch", "C10006"),
    (b("B26"), "600.00", "manual_application", "C10001"),
])
# fmt: on

# fmt: off
EXPECTED_CREDIT_NOTES = sorted([
    ("GS-2025-000003", "RE-2025-000107", "200.00", "2025-04-15"),
    ("GS-2025-000004", "RE-2025-000108", "100.00", "2025-04-16"),
])
# fmt: on


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset loaded into raw.* and the cash application models built (with tests)."""
    folder = tmp_path_factory.mktemp("cash")
    path = folder / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    ensure_raw_schema(con)
    insert(con, "erp__customers", CUSTOMERS)
    insert(con, "erp__documents", DOCUMENTS)
    insert(con, "erp__payments", ERP_PAYMENTS)
    insert(con, "bank__transactions", TRANSACTIONS)
    con.close()
    result = run_dbt(
        path,
        folder,
        "build",
        "--vars",
        f"{{as_of_date: '{AS_OF}'}}",
        "--select",
        "+path:models/intermediate/cash_application",
        "+path:models/marts/cash",
        "--indirect-selection",
        "cautious",
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return path


def test_payment_matches(warehouse: Path):
    found = rows(
        warehouse,
        """
        select payment_id, document_id, cast(applied_amount as varchar),
               cast(applied_date as varchar), match_method, cast(confidence as varchar)
        from marts.fct_payment_matches order by all""",
    )
    assert found == EXPECTED_MATCHES


def test_unapplied_cash(warehouse: Path):
    found = rows(
        warehouse,
        """
        select payment_id, cast(amount as varchar), reason, customer_id
        from marts.fct_unapplied_cash order by all""",
    )
    assert found == EXPECTED_UNAPPLIED


def test_credit_note_applications(warehouse: Path):
    found = rows(
        warehouse,
        """
        select credit_note_id, document_id, cast(applied_amount as varchar),
               cast(applied_date as varchar)
        from intermediate.int_credit_note_applications order by all""",
    )
    assert found == EXPECTED_CREDIT_NOTES


def test_every_credit_is_accounted_for_to_the_cent(warehouse: Path):
    found = rows(
        warehouse,
        """
        with applied as (
            select payment_id, sum(applied_amount) as amount
            from marts.fct_payment_matches group by payment_id
        ), unapplied as (
            select payment_id, sum(amount) as amount
            from marts.fct_unapplied_cash group by payment_id
        )
        select p.payment_id, p.amount, coalesce(a.amount, 0), coalesce(u.amount, 0),
               p.returned_amount
        from intermediate.int_payments as p
        left join applied as a using (payment_id)
        left join unapplied as u using (payment_id)
        where p.amount <> coalesce(a.amount, 0) + coalesce(u.amount, 0) + p.returned_amount""",
    )
    assert found == []
    as_of = date.fromisoformat(AS_OF)
    credits = [t for t in TRANSACTIONS if t["direction"] == "credit" and t["booking_date"] <= as_of]
    booked = rows(warehouse, "select count(*) from intermediate.int_payments")
    assert booked == [(len(credits) + len(ERP_PAYMENTS),)]

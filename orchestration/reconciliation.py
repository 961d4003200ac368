"""Accounting invariants of the built warehouse, as plain queries (used by asset checks).

Each function returns the rows that break the invariant, empty when the books agree, so a
failing check shows exactly which customer, currency or payment is off and by how much.
"""

from __future__ import annotations

from datetime import date

import duckdb


def open_items_differences(con: duckdb.DuckDBPyConnection, as_of: date) -> list[tuple]:
    """Per customer and currency: documents − applied payments = open items, to the cent.

    Credit-note applications move an amount from a credit note to an invoice and cancel out.
    """
    return con.execute(
        """
        with documents as (
            select customer_id, currency, sum(signed_amount) as amount
            from staging.stg_erp__documents where issue_date <= ? group by all
        ),
        applied as (
            select customer_id, currency, sum(applied_amount) as amount
            from intermediate.int_payment_applications group by all
        ),
        open_items as (
            select customer_id, currency, sum(open_amount) as amount
            from marts.fct_open_items group by all
        ),
        compared as (
            select coalesce(d.customer_id, a.customer_id, o.customer_id) as customer_id,
                   coalesce(d.currency, a.currency, o.currency) as currency,
                   coalesce(d.amount, 0) as documents_amount,
                   coalesce(a.amount, 0) as applied_amount,
                   coalesce(o.amount, 0) as open_amount
            from documents d
            full join applied a using (customer_id, currency)
            full join open_items o using (customer_id, currency)
        )
        select customer_id, currency, documents_amount, applied_amount, open_amount,
               documents_amount - applied_amount - open_amount as difference
        from compared
        where documents_amount - applied_amount <> open_amount
        order by abs(documents_amount - applied_amount - open_amount) desc
        limit 100
        """,
        [as_of],
    ).fetchall()


def bank_credit_differences(con: duckdb.DuckDBPyConnection, as_of: date) -> list[tuple]:
    """Every incoming bank credit is applied, unapplied or returned, adding up to its amount.

    A returned credit's applications are reversed by negative rows, so what it applied
    nets to zero and the bank's return debit accounts for the rest.
    """
    return con.execute(
        """
        with credits as (
            select bank_transaction_id as payment_id, amount
            from staging.stg_bank__transactions
            where direction = 'credit' and booking_date <= ?
        ),
        applied as (
            select payment_id, sum(applied_amount) as amount
            from marts.fct_payment_matches where payment_source = 'bank' group by all
        ),
        unapplied as (
            select payment_id, sum(amount) as amount
            from marts.fct_unapplied_cash where payment_source = 'bank' group by all
        ),
        returned as (
            select payment_id, sum(returned_amount) as amount
            from intermediate.int_payment_returns_matched group by all
        )
        select c.payment_id, c.amount, coalesce(a.amount, 0) as applied_amount,
               coalesce(u.amount, 0) as unapplied_amount, coalesce(r.amount, 0) as returned_amount
        from credits c
        left join applied a using (payment_id)
        left join unapplied u using (payment_id)
        left join returned r using (payment_id)
        where coalesce(a.amount, 0) + coalesce(u.amount, 0) + coalesce(r.amount, 0) <> c.amount
        order by c.payment_id
        limit 100
        """,
        [as_of],
    ).fetchall()

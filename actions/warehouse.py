"""What the dunning run reads from the warehouse (a DuckDB connection passed in), as plain
dicts. Only marts are read (dim_customers carries the postal and e-mail addresses);
optional tables may be missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import duckdb


@dataclass
class WarehouseData:
    as_of: date
    proposals: list[dict] = field(default_factory=list)
    #: (document_id, law_code) -> fct_interest_accrued row, for the proposals' documents
    interest: dict[tuple[str, str], dict] = field(default_factory=dict)
    open_items: dict[str, dict] = field(default_factory=dict)  # document_id -> row
    customers: dict[str, dict] = field(default_factory=dict)  # customer_id -> row
    payments: list[dict] = field(default_factory=list)  # customer_id, document_id, date, amount
    unapplied: list[dict] = field(default_factory=list)  # customer_id, amount, currency, date
    events: list[dict] = field(default_factory=list)  # ops events copied into the warehouse
    worklist: list[dict] = field(default_factory=list)  # fct_collector_worklist


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_warehouse(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    payments_after: date | None = None,
    documents: Iterable[str] = (),
    customers: Iterable[str] = (),
    events: list[dict] | None = None,
) -> WarehouseData:
    """Proposals, open items, customers, payments and unapplied cash of the as-of date.

    The marts are built for one as-of date; a mart of another date is an error (the
    pipeline has to run for ``as_of`` first). Only what the run can act on or must check
    is read into Python, never every open item (a million rows of dicts at 1 M
    invoices): the open items with a proposal and ``documents`` (those of actions not yet
    delivered), every open item of ``customers`` (those whose promise lapsed), the open
    credit notes of the customers of these items, and those customers. ``payments_after``:
    only payments dated after that day are read (the stops look at the last few days
    only). ``events``: the bulk events, if the caller read them already (read_events)."""
    if not _columns(con, "marts", "fct_dunning_proposals"):
        raise LookupError("marts.fct_dunning_proposals is missing: run the pipeline first")
    data = WarehouseData(as_of=as_of)
    data.proposals = _rows(con, "select * from marts.fct_dunning_proposals order by document_id")
    built_for = {p.get("as_of_date") for p in data.proposals} - {None}
    if built_for and built_for != {as_of}:
        dates = ", ".join(sorted(map(str, built_for)))
        raise LookupError(
            f"marts.fct_dunning_proposals is for {dates}, not {as_of}: run the pipeline for {as_of}"
        )
    data.open_items = _read_open_items(con, sorted(documents), sorted(customers))
    data.interest = _read_interest(con)
    data.customers = _read_customers(
        con, sorted({r["customer_id"] for r in [*data.open_items.values(), *data.proposals]})
    )
    data.payments = _read_payments(con, payments_after)
    data.unapplied = _read_unapplied(con)
    data.events = read_events(con) if events is None else events
    if _columns(con, "marts", "fct_collector_worklist"):
        data.worklist = _rows(con, "select * from marts.fct_collector_worklist")
    return data


def _read_interest(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """fct_interest_accrued for the documents with a proposal (only they can be priced)."""
    if not _columns(con, "marts", "fct_interest_accrued"):
        raise LookupError("marts.fct_interest_accrued is missing: run the pipeline first")
    rows = _rows(
        con,
        """select * from marts.fct_interest_accrued
           where document_id in (select document_id from marts.fct_dunning_proposals)""",
    )
    return {(r["document_id"], r["law_code"]): r for r in rows}


def _read_open_items(
    con: duckdb.DuckDBPyConnection, documents: list[str], customers: list[str]
) -> dict[str, dict]:
    """The open items read_warehouse names, by document_id."""
    rows = _rows(
        con,
        """with wanted as (
               select document_id from marts.fct_dunning_proposals
               union
               select unnest(cast(? as varchar[]))
           ),
           wanted_customers as (
               select customer_id from marts.fct_open_items
               where document_id in (select document_id from wanted)
               union
               select unnest(cast(? as varchar[]))
           )
           select * from marts.fct_open_items
           where document_id in (select document_id from wanted)
               or customer_id in (select unnest(cast(? as varchar[])))
               or (document_type = 'credit_note' and open_amount < 0
                   and customer_id in (select customer_id from wanted_customers))""",
        [documents, customers, customers],
    )
    return {r["document_id"]: r for r in rows}


def _read_customers(con: duckdb.DuckDBPyConnection, customer_ids: list[str]) -> dict[str, dict]:
    """dim_customers (which carries the ERP's contact data: e-mail, phone, address) of
    ``customer_ids``."""
    rows = _rows(
        con,
        """select * from marts.dim_customers
           where customer_id in (select unnest(cast(? as varchar[])))""",
        [customer_ids],
    )
    return {r["customer_id"]: r for r in rows}


def _read_payments(con: duckdb.DuckDBPyConnection, after: date | None) -> list[dict]:
    cols = _columns(con, "marts", "fct_payment_matches")
    if not {"customer_id", "document_id", "payment_date", "applied_amount"} <= set(cols):
        return []
    return _rows(
        con,
        "select customer_id, document_id, payment_date, applied_amount as amount, currency"
        " from marts.fct_payment_matches where applied_amount > 0"
        " and (cast(? as date) is null or payment_date > ?)",
        [after, after],
    )


def _read_unapplied(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cols = _columns(con, "marts", "fct_unapplied_cash")
    if not {"customer_id", "amount", "currency"} <= set(cols):
        return []
    payment_date = "payment_date" if "payment_date" in cols else "cast(null as date)"
    return _rows(
        con,
        f"select customer_id, amount, currency, {payment_date} as payment_date"
        " from marts.fct_unapplied_cash where customer_id is not null",
    )


def read_events(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Events that came in bulk files; the app's own the engine reads from the ops store,
    where they are written (so one entered a minute ago counts)."""
    if not _columns(con, "marts", "fct_crm_events"):
        return []
    return _rows(
        con,
        "select event_id, event_at as at, actor, customer_id, document_id, event_type as type,"
        " amount, until_date as until, event_text as text, reference"
        " from marts.fct_crm_events",
    )

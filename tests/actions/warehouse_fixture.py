"""A small DuckDB warehouse with the marts the dunning engine reads (the columns of the
dbt contracts), filled from a few Python rows: tests describe customers and invoices,
this module writes ``marts.fct_open_items``, ``marts.dim_customers``,
``marts.fct_dunning_proposals`` (one proposal per open invoice, like the dbt model would
for the step the warehouse believes is next), payments and unapplied cash."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import duckdb

from actions import legal
from actions.policy import load_policy


@dataclass
class Customer:
    customer_id: str
    name: str = "Muster GmbH"
    customer_type: str = "B2B"
    segment: str = "b2b"
    risk_class: str = "B"
    country_code: str = "DE"
    language_code: str = "de"
    currency: str = "EUR"
    entity_id: str = "FW01"
    collector: str = "Anna Becker"
    email: str | None = "buchhaltung@muster.example"
    phone: str | None = "+49 30 123456"
    street: str = "Musterstraße 1"
    postal_code: str = "10115"
    city: str = "Berlin"
    is_insolvent: bool = False
    dunning_procedure: str | None = None


@dataclass
class Invoice:
    document_id: str
    customer_id: str
    due_date: date
    amount: Decimal
    paid_amount: Decimal = Decimal("0.00")
    issue_date: date | None = None
    currency: str = "EUR"
    units_per_eur: Decimal = Decimal("1")
    payment_reference: str | None = None
    entity: str = "FW01"
    document_type: str = "invoice"  # or credit_note (negative amount, never dunned)


@dataclass
class World:
    as_of: date
    customers: list[Customer] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)  # customer_id, document_id, date, amount
    unapplied: list[dict] = field(default_factory=list)  # customer_id, amount, currency, date
    stopped: dict[str, str] = field(default_factory=dict)  # document_id -> dbt stop reason
    worklist: list[dict] = field(default_factory=list)


DDL = """
create schema if not exists marts;
create or replace table marts.fct_open_items (
    as_of_date date, document_id varchar, customer_id varchar, customer_name varchar,
    collector varchar, entity varchar, document_type varchar, payment_reference varchar,
    issue_date date, due_date date, effective_due_date date, currency varchar,
    amount decimal(18,2), paid_amount decimal(18,2), open_amount decimal(18,2),
    reporting_currency varchar, open_amount_reporting decimal(18,2), units_per_eur decimal(18,6),
    days_past_due integer, aging_bucket varchar, dunning_level integer, last_dunned_date date,
    in_dispute boolean, promised_until date, dunning_blocked boolean
);
create or replace table marts.dim_customers (
    customer_id varchar, name varchar, segment varchar, customer_type varchar,
    country_code varchar, language_code varchar, currency varchar, entity_id varchar,
    collector varchar, risk_class varchar, is_insolvent boolean, dunning_procedure varchar,
    email varchar, phone varchar, street varchar, postal_code varchar, city varchar
);
create or replace table marts.fct_dunning_proposals (
    dunning_proposal_id varchar, as_of_date date, customer_id varchar, document_id varchar,
    action varchar, level integer, channel varchar, template varchar,
    amount_due decimal(18,2), interest decimal(18,2), fees decimal(18,2), currency varchar,
    requires_approval boolean, reason varchar, procedure varchar, step_number integer,
    days_past_due integer, due_date date, current_dunning_level integer,
    is_stopped boolean, stop_reason varchar
);
create or replace table marts.fct_interest_accrued (
    interest_accrued_id varchar, as_of_date date, document_id varchar, law_code varchar,
    customer_id varchar, principal_amount decimal(18,2), currency varchar,
    default_start_date date, interest_end_date date, interest_days integer,
    interest_amount decimal(18,2), is_base_rate_missing boolean, missing_base_rate_from date,
    periods_detail varchar, flat_fee_amount decimal(18,2), flat_fee_currency varchar
);
create or replace table marts.fct_payment_matches (
    payment_id varchar, document_id varchar, customer_id varchar, applied_amount decimal(18,2),
    currency varchar, applied_date date, payment_date date
);
create or replace table marts.fct_unapplied_cash (
    payment_id varchar, customer_id varchar, amount decimal(18,2), currency varchar,
    payment_date date, reason varchar
);
create or replace table marts.fct_collector_worklist (
    worklist_task_id varchar, as_of_date date, collector varchar, customer_id varchar,
    document_id varchar, priority integer, task varchar, amount_at_stake decimal(18,2),
    reporting_currency varchar, reason varchar, due_date date
);
"""


def _insert_interest(
    con: duckdb.DuckDBPyConnection, as_of: date, inv: Invoice, customer: Customer, principal
) -> None:
    """The row int_open_items_interest_accrued gives an invoice past its due date, German
    law: worked out day by day here (a test oracle; the model's own oracles are its dbt
    unit tests): from the day after the due date through the as-of date, base rate of the
    day's half-year + 9 points (B2B) or 5, / 365, summed and rounded half-up once. A
    half-year after the rate table's last row is unknown: no amount, its first day named."""
    law = legal.load_law("de")
    rates = law.rates()
    party = legal.party_of(customer.customer_type)
    start = inv.due_date + timedelta(days=1)
    total, missing, day = Decimal(0), None, start
    while day <= as_of:
        period = date(day.year, 1 if day.month < 7 else 7, 1)
        known = [rate for valid_from, rate in rates if valid_from <= period]
        if period > rates[-1][0] or not known:
            missing = missing or day
        else:
            total += principal * (known[-1] + law.points[party]) / (100 * law.year_days)
        day += timedelta(days=1)
    con.execute(
        "insert into marts.fct_interest_accrued values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            f"{inv.document_id}:de",
            as_of,
            inv.document_id,
            "de",
            inv.customer_id,
            principal,
            inv.currency,
            start,
            as_of,
            (as_of - start).days + 1,
            None if missing else legal.cents(total),
            missing is not None,
            missing,
            None,
            law.flat_fee_amount if party in law.flat_fee_parties else Decimal("0.00"),
            law.currency,
        ],
    )


def build(con: duckdb.DuckDBPyConnection, world: World) -> duckdb.DuckDBPyConnection:
    """(Re)write the marts for ``world.as_of``."""
    con.execute(DDL)
    policy = load_policy()
    customers = {c.customer_id: c for c in world.customers}
    for c in world.customers:
        con.execute(
            "insert into marts.dim_customers values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                c.customer_id,
                c.name,
                c.segment,
                c.customer_type,
                c.country_code,
                c.language_code,
                c.currency,
                c.entity_id,
                c.collector,
                c.risk_class,
                c.is_insolvent,
                c.dunning_procedure or policy.assign(vars(c))[0],
                c.email,
                c.phone,
                c.street,
                c.postal_code,
                c.city,
            ],
        )
    for inv in world.invoices:
        open_amount = inv.amount - inv.paid_amount
        if open_amount == 0:
            continue
        dpd = (world.as_of - inv.due_date).days
        con.execute(
            "insert into marts.fct_open_items values"
            " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                world.as_of,
                inv.document_id,
                inv.customer_id,
                customers[inv.customer_id].name,
                customers[inv.customer_id].collector,
                inv.entity,
                inv.document_type,
                inv.payment_reference,
                inv.issue_date or inv.due_date,
                inv.due_date,
                inv.due_date,
                inv.currency,
                inv.amount,
                inv.paid_amount,
                open_amount,
                "EUR",
                (open_amount / inv.units_per_eur).quantize(Decimal("0.01")),
                inv.units_per_eur,
                max(dpd, 0),
                "current" if dpd <= 0 else "1-30",
                0,
                None,
                False,
                None,
                False,
            ],
        )
        if inv.document_type == "credit_note":
            continue
        if dpd > 0:
            _insert_interest(con, world.as_of, inv, customers[inv.customer_id], open_amount)
        procedure = policy.procedure(policy.assign(vars(customers[inv.customer_id]))[0])
        reached = [s for s in procedure.steps if s.offset_days <= dpd]
        if not reached:
            continue
        step = reached[-1]
        stop = world.stopped.get(inv.document_id)
        con.execute(
            "insert into marts.fct_dunning_proposals values"
            " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                f"{inv.document_id}:{procedure.name}:{step.number}" + (":stop" if stop else ""),
                world.as_of,
                inv.customer_id,
                inv.document_id,
                "stop" if stop else step.action,
                step.level,
                None if stop else step.channel,
                None if stop else step.template,
                open_amount,
                Decimal("0.00"),
                Decimal("0.00"),
                inv.currency,
                False if stop else step.requires_approval,
                f"stop ({stop})" if stop else f"level {step.level} due",
                procedure.name,
                step.number,
                dpd,
                inv.due_date,
                0,
                bool(stop),
                stop,
            ],
        )
    for p in world.payments:
        con.execute(
            "insert into marts.fct_payment_matches values (?,?,?,?,?,?,?)",
            [
                p.get("payment_id", "P1"),
                p["document_id"],
                p["customer_id"],
                p["amount"],
                "EUR",
                p["date"],
                p["date"],
            ],
        )
    for u in world.unapplied:
        con.execute(
            "insert into marts.fct_unapplied_cash values (?,?,?,?,?,?)",
            [
                u.get("payment_id", "U1"),
                u["customer_id"],
                u["amount"],
                u.get("currency", "EUR"),
                u["date"],
                "no_reference",
            ],
        )
    for w in world.worklist:
        con.execute(
            "insert into marts.fct_collector_worklist values (?,?,?,?,?,?,?,?,?,?,?)",
            [
                w["worklist_task_id"],
                world.as_of,
                w["collector"],
                w["customer_id"],
                w.get("document_id"),
                w.get("priority", 3),
                w["task"],
                w.get("amount_at_stake", Decimal("100.00")),
                "EUR",
                w.get("reason", ""),
                world.as_of,
            ],
        )
    return con


def warehouse(world: World) -> duckdb.DuckDBPyConnection:
    return build(duckdb.connect(":memory:"), world)

"""Data frames for the pages, from the published snapshot; SQL with bound parameters only.

Every function takes the :class:`~dashboards.snapshot.Snapshot` it reads (so the cache is
keyed by the snapshot's version) and, where rows belong to customers, the ``collector``
the result is limited to: ``None`` for roles that see every customer, the collector's name
for a collector. The limit is part of the SQL (``? is null or collector = ?``), so a
collector never receives another collector's rows, whatever the page does with them.

Reads only the marts (DESIGN.md's contracted ones and the app's: fct_aging_history,
fct_documents, fct_customer_risk_factors, fct_crm_events, fct_ingested_files), so the
snapshot needs nothing else and the warehouse's inner models can change freely.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.snapshot import Snapshot, read_frame

TTL_SECONDS = 300


def _scope(collector: str | None) -> list[object]:
    return [collector, collector]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def as_of_date(snap: Snapshot) -> date | None:
    frame = read_frame(snap, "select max(as_of_date) as as_of_date from marts.fct_kpis_daily")
    value = frame["as_of_date"].iloc[0]
    return None if pd.isna(value) else pd.Timestamp(value).date()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(snap: Snapshot) -> pd.DataFrame:
    """Entities and currencies with open items (the overview's and OPOS filters)."""
    return read_frame(
        snap,
        """select distinct entity, currency from marts.fct_open_items
           union select distinct entity, null from marts.fct_kpis_daily where entity <> 'ALL'
           order by 1, 2""",
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def open_items(
    snap: Snapshot,
    collector: str | None = None,
    entity: str | None = None,
    currency: str | None = None,
    customer_id: str | None = None,
) -> pd.DataFrame:
    """The OPOS: one row per open document, with the customer's risk class."""
    return read_frame(
        snap,
        """select o.document_id, o.customer_id, o.customer_name, o.collector, o.entity,
                  o.document_type, o.payment_reference, o.issue_date, o.due_date,
                  o.effective_due_date, o.currency, o.amount, o.paid_amount, o.open_amount,
                  o.reporting_currency, o.open_amount_reporting, o.days_past_due,
                  o.aging_bucket, o.dunning_level, o.last_dunned_date, o.in_dispute,
                  o.promised_until, o.dunning_blocked, c.risk_class, c.avg_days_late
           from marts.fct_open_items as o
           left join marts.dim_customers as c on c.customer_id = o.customer_id
           where (? is null or o.collector = ?)
             and (? is null or o.entity = ?)
             and (? is null or o.currency = ?)
             and (? is null or o.customer_id = ?)
           order by o.days_past_due desc, o.open_amount_reporting desc, o.document_id""",
        [*_scope(collector), entity, entity, currency, currency, customer_id, customer_id],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def open_item_totals(
    snap: Snapshot,
    collector: str | None = None,
    entity: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """Receivables and overdue in the reporting currency, summed exactly in SQL."""
    return read_frame(
        snap,
        """select coalesce(sum(open_amount_reporting), 0) as receivables,
                  coalesce(sum(open_amount_reporting) filter (where days_past_due > 0), 0)
                      as overdue,
                  count(*) as items,
                  coalesce(max(reporting_currency), 'EUR') as reporting_currency
           from marts.fct_open_items
           where (? is null or collector = ?)
             and (? is null or entity = ?)
             and (? is null or currency = ?)""",
        [*_scope(collector), entity, entity, currency, currency],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def kpis_daily(snap: Snapshot, entity: str = "ALL") -> pd.DataFrame:
    """Receivables, overdue, DSO (standard and count-back), best possible DSO, ADD, CEI."""
    return read_frame(
        snap,
        """select kpi_date, entity, reporting_currency, receivables_amount, overdue_amount,
                  current_amount, dso_standard, dso_countback, best_possible_dso, "add",
                  cei, overdue_share
           from marts.fct_kpis_daily where entity = ? order by kpi_date""",
        [entity],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def aging_history(
    snap: Snapshot,
    as_of: date,
    months: int = 12,
    entity: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """Open amounts per aging bucket at each month end of the last ``months`` months and on
    the as-of date, in the reporting currency (marts.fct_aging_history)."""
    return read_frame(
        snap,
        """select balance_date, reporting_currency, aging_bucket,
                  sum(open_amount_reporting) as open_amount_reporting, sum(items) as items
           from marts.fct_aging_history
           where balance_date >= last_day(date_trunc('month', cast(? as date))
                                          - to_months(cast(? as integer)))
             and (? is null or entity = ?) and (? is null or currency = ?)
           group by all order by balance_date, aging_bucket""",
        [as_of, months, entity, entity, currency, currency],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def customers(snap: Snapshot, collector: str | None = None) -> pd.DataFrame:
    """dim_customers, limited to the collector's customers when one is given."""
    return read_frame(
        snap,
        """select * from marts.dim_customers where (? is null or collector = ?)
           order by open_amount_reporting desc, customer_id""",
        _scope(collector),
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def customer_collector(snap: Snapshot, customer_id: str) -> tuple[bool, str | None]:
    """(whether the customer exists, its collector): what write permissions check."""
    frame = read_frame(
        snap, "select collector from marts.dim_customers where customer_id = ?", [customer_id]
    )
    if frame.empty:
        return False, None
    value = frame["collector"].iloc[0]
    return True, None if pd.isna(value) else str(value)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def customer_master(snap: Snapshot, customer_id: str) -> pd.DataFrame:
    """Contact and address data as the ERP has it."""
    return read_frame(
        snap,
        """select customer_id, name as customer_name, customer_type, country_code,
                  language_code, currency as customer_currency, email, phone, street,
                  postal_code, city, vat_id, payment_terms_days,
                  credit_limit as credit_limit_amount, collector, entity_id
           from marts.dim_customers where customer_id = ?""",
        [customer_id],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def risk_factors(snap: Snapshot, customer_id: str) -> pd.DataFrame:
    """A customer's risk factors with their points and the measure behind them."""
    return read_frame(
        snap,
        """select factor, points, detail from marts.fct_customer_risk_factors
           where customer_id = ? and points <> 0 order by points desc, factor""",
        [customer_id],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def customer_documents(snap: Snapshot, customer_id: str) -> pd.DataFrame:
    """Every document issued to the customer up to the as-of date (open or settled)."""
    return read_frame(
        snap,
        """select document_id, document_type, issue_date, due_date, amount, currency
           from marts.fct_documents where customer_id = ?
           order by issue_date desc, document_id""",
        [customer_id],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def customer_payments(snap: Snapshot, customer_id: str) -> pd.DataFrame:
    return read_frame(
        snap,
        """select payment_id, document_id, applied_amount, currency, applied_date,
                  payment_date, match_method, confidence, is_reversal, payer_name
           from marts.fct_payment_matches where customer_id = ?
           order by applied_date desc, payment_id""",
        [customer_id],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def crm_events(snap: Snapshot, customer_id: str | None = None) -> pd.DataFrame:
    """Events that came in bulk files (CRM); the app's own come from the ops store."""
    return read_frame(
        snap,
        """select event_id, event_at as at, actor, customer_id, document_id,
                  event_type as type, amount, currency, until_date as until,
                  event_text as text, reference, event_origin as origin
           from marts.fct_crm_events
           where (? is null or customer_id = ?)
           order by event_at""",
        [customer_id, customer_id],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def dunning_proposals(
    snap: Snapshot,
    collector: str | None = None,
    customer_id: str | None = None,
    approval_only: bool = False,
) -> pd.DataFrame:
    return read_frame(
        snap,
        """select p.dunning_proposal_id, p.as_of_date, p.customer_id, c.name as customer_name,
                  c.collector, c.language_code, c.customer_type, p.document_id, p.action,
                  p.level, p.channel, p.template, p.amount_due, p.interest, p.fees,
                  p.currency, p.amount_due_reporting, p.reporting_currency,
                  p.requires_approval, p.reason, p.procedure, p.days_past_due, p.due_date,
                  p.is_stopped, p.stop_reason
           from marts.fct_dunning_proposals as p
           left join marts.dim_customers as c on c.customer_id = p.customer_id
           where (? is null or c.collector = ?)
             and (? is null or p.customer_id = ?)
             and (not ? or p.requires_approval)
           order by p.amount_due_reporting desc, p.dunning_proposal_id""",
        [*_scope(collector), customer_id, customer_id, approval_only],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def worklist(
    snap: Snapshot, collector: str | None = None, customer_id: str | None = None
) -> pd.DataFrame:
    return read_frame(
        snap,
        """select w.worklist_task_id, w.as_of_date, w.collector, w.customer_id,
                  c.name as customer_name, c.phone, w.document_id, w.priority, w.task,
                  w.amount_at_stake, w.reporting_currency, w.reason, w.due_date,
                  w.max_days_past_due, w.item_count
           from marts.fct_collector_worklist as w
           left join marts.dim_customers as c on c.customer_id = w.customer_id
           where (? is null or w.collector = ?) and (? is null or w.customer_id = ?)
           order by w.priority, w.amount_at_stake desc, w.worklist_task_id""",
        [*_scope(collector), customer_id, customer_id],
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def credit_limit_breaches(snap: Snapshot) -> pd.DataFrame:
    return read_frame(
        snap,
        """select b.customer_id, b.name, b.reason, b.order_block, b.is_insolvent,
                  b.open_amount_reporting, b.credit_limit_reporting, b.excess_amount_reporting,
                  b.reporting_currency, b.credit_limit, b.currency, b.as_of_date
           from marts.fct_credit_limit_breaches as b
           order by b.order_block desc, b.excess_amount_reporting desc, b.customer_id""",
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def unapplied_cash(snap: Snapshot, collector: str | None = None) -> pd.DataFrame:
    """Payments not applied; a collector sees only those of their identified customers."""
    return read_frame(
        snap,
        """select u.payment_id, u.payment_source, u.customer_id, c.name as customer_name,
                  u.payment_date, u.amount, u.currency, u.reason, u.payer_name, u.payer_iban,
                  u.remittance_text, u.structured_reference, u.receiving_account_iban
           from marts.fct_unapplied_cash as u
           left join marts.dim_customers as c on c.customer_id = u.customer_id
           where (? is null or c.collector = ?)
           order by u.payment_date desc, u.payment_id""",
        _scope(collector),
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def ingested_files(snap: Snapshot, limit: int = 1000) -> pd.DataFrame:
    return read_frame(
        snap,
        """select file_seq, source, entity, file_name, status, rows, duplicate_rows,
                  ingested_at, error, warnings, quarantine_path, run_id
           from marts.fct_ingested_files order by file_seq desc limit ?""",
        [limit],
    )

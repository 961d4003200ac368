"""What a data engineer would write instead of the dbt models: the core marts in pandas and
in polars, on the same inputs, with the same definitions (dbt_project/METRICS.md, RISK.md).

Inputs (``INPUTS``), Parquet files exported untimed from the built warehouse: the raw ERP
documents and customers (every version; the peers pick the latest themselves), the raw ECB
rates, and the cash-application result (``intermediate.int_payment_applications``,
``intermediate.int_credit_note_applications_as_of``), which the peers take as given instead of
re-implementing the matching. Reading the files is part of the timed work.

Outputs (``OUTPUTS``), Parquet, with money as integer cents and ratios as scaled integers so
"identical" can be checked exactly:

- ``open_items``: document_id, customer_id, entity, document_type, open_amount_cents,
  days_past_due, aging_bucket, open_amount_reporting_cents (EUR)
- ``aging``: customer_id, aging_bucket, open_amount_reporting_cents, items
- ``dso``: entity (each entity and ``ALL``), dso_countback_e4 (days x 10^4, as of the date)
- ``behaviour``: customer_id, avg_days_late_e2 (days x 10^2, 12 months, amount-weighted)

Only the Python standard library here: each peer imports just its own data-frame library.
"""

from __future__ import annotations

import calendar
from datetime import date

INPUTS = {
    "documents": "raw.erp__documents",
    "customers": "raw.erp__customers",
    "fx_rates": "raw.reference__fx_rates",
    "payment_applications": "intermediate.int_payment_applications",
    "credit_note_applications": "intermediate.int_credit_note_applications_as_of",
}
OUTPUTS = ("open_items", "aging", "dso", "behaviour")

REPORTING_CURRENCY = "EUR"
DUE_DAYS_DEFAULT = 30  # METRICS.md: no due date -> issue date + 30 days (BGB 286(3))
FX_MAX_RATE_AGE_DAYS = 7
DSO_COUNTBACK_MAX_MONTHS = 24
BEHAVIOUR_WINDOW_MONTHS = 12
BUCKETS = ((0, "current"), (30, "1-30"), (60, "31-60"), (90, "61-90"))
OVER_90 = "90+"


def add_months(day: date, months: int) -> date:
    """Calendar-month arithmetic as SQL's ``date + interval n month`` (clamped to month end)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def countback_months(as_of: date) -> list[tuple[int, date, date, int]]:
    """(offset, first day, last day, days counted) of the count-back months: offset 0 is the
    as-of month up to the as-of date, offsets 1..24 the whole months before it."""
    first = as_of.replace(day=1)
    months = [(0, first, as_of, as_of.day)]
    for offset in range(1, DSO_COUNTBACK_MAX_MONTHS + 1):
        start = add_months(first, -offset)
        days = calendar.monthrange(start.year, start.month)[1]
        months.append((offset, start, start.replace(day=days), days))
    return months

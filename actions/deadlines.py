"""Payment deadlines that hold: BGB §193 moves a deadline that ends on a Saturday, Sunday or
a public holiday at the place of performance to the next working day. A money debt is
performed where the debtor lives (§§ 269, 270(4)), so the holidays are those of the
customer's country, from the ``holidays`` package (the field's maintained calendar, rather
than a hand-kept list).

Without the debtor's region, a day that is a holiday in any region of the country counts:
a deadline one day later than needed is harmless, one that ends on the debtor's holiday
is not. A country the package does not know falls back to weekends only.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


def next_working_day(day: date, country: str | None) -> date:
    """``day`` itself if it is a working day at the debtor's place, else the next one."""
    while day.weekday() >= 5 or day in _holidays(_country(country), day.year):
        day += timedelta(days=1)
    return day


def _country(country: str | None) -> str:
    return (country or "DE").strip().upper()


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    """Every public holiday of ``year`` in ``country``, of any of its regions."""
    try:
        national = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return frozenset()
    days = set(national)
    for region in national.subdivisions:
        days.update(holidays.country_holidays(country, subdiv=region, years=year))
    return frozenset(days)

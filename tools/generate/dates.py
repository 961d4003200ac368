"""Calendar helpers: business days and the Berlin UTC offset for fixed XML timestamps.

Banks book Monday to Friday only; files carry creation timestamps that must be derived from
the booking date (never the wall clock) so that the same arguments give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5


def next_business_day(day: date) -> date:
    """The day itself when it is a business day, else the following Monday."""
    while not is_business_day(day):
        day += ONE_DAY
    return day


def previous_business_day(day: date) -> date:
    """The business day before ``day`` (strictly earlier)."""
    day -= ONE_DAY
    while not is_business_day(day):
        day -= ONE_DAY
    return day


def add_business_days(day: date, count: int) -> date:
    """``count`` business days after ``day`` (``count`` >= 0; 0 rolls to a business day)."""
    day = next_business_day(day)
    for _ in range(count):
        day = next_business_day(day + ONE_DAY)
    return day


def business_days(start: date, end: date) -> list[date]:
    """Every Monday-to-Friday from ``start`` to ``end``, both included."""
    days = []
    day = start
    while day <= end:
        if is_business_day(day):
            days.append(day)
        day += ONE_DAY
    return days


def months(start: date, end: date) -> Iterator[tuple[int, int]]:
    """(year, month) of every calendar month touched by ``start``..``end``."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 Feb for a 29 Feb that does not exist)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - ONE_DAY if month < 12 else date(year, 12, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def berlin_offset(day: date) -> str:
    """ "+02:00" in central European summer time, "+01:00" otherwise (EU rule since 1996)."""
    summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    return "+02:00" if summer else "+01:00"


def timestamp(day: date, hour: int, minute: int = 0, second: int = 0) -> str:
    """An ISO 8601 local Berlin timestamp with offset, e.g. "2026-11-20T18:05:00+01:00"."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{berlin_offset(day)}"

"""BGB §193: a payment deadline on a weekend or a holiday at the debtor's place moves to the
next working day. Every date checked against the calendar by hand."""

from __future__ import annotations

from datetime import date

from actions.deadlines import next_working_day


def test_a_working_day_stays():
    assert next_working_day(date(2026, 12, 15), "DE") == date(2026, 12, 15)  # a Tuesday


def test_christmas_and_the_weekend_after_it():
    # Fri 25 Dec 2026 Christmas Day, Sat 26 second day of Christmas, Sun 27: Mon 28 Dec
    assert next_working_day(date(2026, 12, 25), "DE") == date(2026, 12, 28)


def test_easter_2027():
    # Easter Sunday 28 March 2027: Good Friday 26, Saturday, Sunday, Easter Monday 29 ->
    # Tuesday 30 March
    assert next_working_day(date(2027, 3, 26), "DE") == date(2027, 3, 30)
    assert next_working_day(date(2027, 3, 29), "de") == date(2027, 3, 30)


def test_a_regional_holiday_counts_without_the_region():
    # Epiphany, Wed 6 Jan 2027, is a holiday in Bavaria, Baden-Württemberg and
    # Saxony-Anhalt only; the debtor's state is not known, so it counts: Thu 7 Jan
    assert next_working_day(date(2027, 1, 6), "DE") == date(2027, 1, 7)


def test_the_debtors_country_decides():
    # Tue 8 Dec 2026 is the Immaculate Conception in Austria, a working day in Germany
    assert next_working_day(date(2026, 12, 8), "AT") == date(2026, 12, 9)
    assert next_working_day(date(2026, 12, 8), "DE") == date(2026, 12, 8)
    # Thu 1 Aug 2030, Swiss National Day
    assert next_working_day(date(2030, 8, 1), "CH") == date(2030, 8, 2)


def test_an_unknown_country_moves_past_weekends_only():
    assert next_working_day(date(2026, 12, 26), "XX") == date(2026, 12, 28)  # Sat -> Mon
    assert next_working_day(date(2026, 12, 25), "XX") == date(2026, 12, 25)  # a Friday

"""The finance team's day: Europe/Berlin. The pipeline's day partitions, the arrival day of
files and the posting date of a reversal all count in it, so that a run at 00:30 UTC in
summer belongs to the same day as the team's morning."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BUSINESS_TIMEZONE_NAME = "Europe/Berlin"
BUSINESS_TIMEZONE = ZoneInfo(BUSINESS_TIMEZONE_NAME)


def business_today() -> date:
    return datetime.now(BUSINESS_TIMEZONE).date()

"""Retention eligibility: when a record of a series may be destroyed under its schedule.

"Kept for (3) calendar years": a record of calendar year Y is kept through 31 December of
Y+3 and is eligible on 1 January of Y+4. Never early: 29 February moves to 1 March.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import models

from config.portal.calendar import local_date, start_of_local_day
from records.series import RecordSeries


def _anniversary(day: dt.date, years: int) -> dt.date:
    """``day`` plus ``years``; 29 February goes to 1 March, never to 28 February (never early)."""
    if day.month == 2 and day.day == 29:
        moved = day + relativedelta(years=years)
        return moved if moved.day == 29 else moved + dt.timedelta(days=1)
    return day + relativedelta(years=years)


def eligibility_date(schedule, record_date: dt.date | dt.datetime) -> dt.date | None:
    """The first day on which a record of ``schedule`` dated ``record_date`` may be destroyed.

    "Kept for (3) calendar years": a record of calendar year Y is kept through 31 December
    of Y+3 and is eligible on 1 January of Y+4. ``None``: kept permanently. Datetimes are
    read as their date in America/Chicago.
    """
    if isinstance(record_date, dt.datetime):
        record_date = local_date(record_date)
    trigger = schedule.trigger
    if trigger == "permanent" or schedule.period_years is None:
        return None
    if trigger == "end_of_calendar_year":
        return dt.date(record_date.year + schedule.period_years + 1, 1, 1)
    if trigger == "record_date":
        return _anniversary(record_date, schedule.period_years)
    raise ValueError(f"Unknown retention trigger {trigger!r}")


def latest_eligible_record_date(schedule, as_of: dt.date) -> dt.date | None:
    """The latest record date whose records are eligible on ``as_of`` (eligibility is monotonic)."""
    if schedule.trigger == "permanent" or schedule.period_years is None:
        return None
    if schedule.trigger == "end_of_calendar_year":
        return dt.date(as_of.year - schedule.period_years - 1, 12, 31)
    day = as_of - relativedelta(years=schedule.period_years)
    while eligibility_date(schedule, day + dt.timedelta(days=1)) <= as_of:
        day += dt.timedelta(days=1)
    while eligibility_date(schedule, day) > as_of:
        day -= dt.timedelta(days=1)
    return day


def eligible_before(schedule, as_of: dt.date) -> dt.datetime | None:
    """The instant before which a record's date must fall for it to be eligible on ``as_of``."""
    latest = latest_eligible_record_date(schedule, as_of)
    if latest is None:
        return None
    return start_of_local_day(latest + dt.timedelta(days=1))


def eligible_filter(entry: RecordSeries, schedule, as_of: dt.date) -> models.Q | None:
    cutoff = eligible_before(schedule, as_of)
    if cutoff is None:
        return None
    return models.Q(**{f"{entry.record_date_field}__lt": cutoff})

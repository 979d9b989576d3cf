"""The City's calendar: the one place that says what day it is and counts days.

Every date a person sees, every calendar year of the retention schedule and every
deadline is in the City's time zone, America/Chicago; times are stored in UTC.

Business days of the City of Kankakee:

A business day is a weekday that is neither an Illinois state holiday (the ``holidays``
package, subdivision IL: it includes Lincoln's Birthday, Casimir Pulaski Day,
Juneteenth and Election Day in even years) nor a City closure kept as data
(``CityClosure``, managed in the admin). Used by the FOIA clock (5 ILCS 140 §3(d),
§3(e), §3.1, §3.2) and the Communications Office's report timers.

"Day one is the business day after receipt": ``add_business_days(received, 5)`` is the
fifth business day after the received date, whatever day it was received on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.utils import timezone

CITY_TZ = ZoneInfo("America/Chicago")


def local_date(moment: datetime | date) -> date:
    """The calendar date of ``moment`` in the City's time zone (a date is already one)."""
    if not isinstance(moment, datetime):
        return moment
    return moment.astimezone(CITY_TZ).date()


def today() -> date:
    """Today in Kankakee."""
    return local_date(timezone.now())


def start_of_local_day(day: date) -> datetime:
    """The first instant of ``day`` in Kankakee."""
    return datetime.combine(day, time.min, tzinfo=CITY_TZ)


def day_bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """A range of the City's days as instants: ``[start of date_from, start of the day after date_to)``."""
    start = start_of_local_day(date_from) if date_from else None
    end = start_of_local_day(date_to + timedelta(days=1)) if date_to else None
    return start, end


@lru_cache(maxsize=64)
def _state_holidays(year: int) -> dict[date, str]:
    return dict(holidays_lib.US(subdiv="IL", years=[year]))


@dataclass(frozen=True)
class NonBusinessDay:
    date: date
    reason: str


class BusinessCalendar:
    """Weekends, Illinois holidays and City closures; closures are read once per calendar."""

    def __init__(self, closures: dict[date, str] | None = None):
        if closures is None:
            from config.portal.models import CityClosure

            closures = dict(CityClosure.objects.values_list("date", "reason"))
        self.closures = closures

    def why_not_business_day(self, day: date) -> str | None:
        if day.weekday() == 5:
            return "Saturday"
        if day.weekday() == 6:
            return "Sunday"
        holiday = _state_holidays(day.year).get(day)
        if holiday:
            return f"Illinois holiday: {holiday}"
        closure = self.closures.get(day)
        if closure:
            return f"City closure: {closure}"
        return None

    def is_business_day(self, day: date) -> bool:
        return self.why_not_business_day(day) is None

    def add_business_days(self, start: date, count: int) -> date:
        """The ``count``-th business day after ``start`` (``start`` itself never counts)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def skipped_days(self, start: date, end: date) -> list[NonBusinessDay]:
        """Days after ``start`` up to ``end`` that did not count, with the reason: for
        showing a clerk how a due date was computed."""
        skipped = []
        day = start + timedelta(days=1)
        while day <= end:
            reason = self.why_not_business_day(day)
            if reason:
                skipped.append(NonBusinessDay(day, reason))
            day += timedelta(days=1)
        return skipped

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.business_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count


def add_business_days(start: date, count: int) -> date:
    return BusinessCalendar().add_business_days(start, count)

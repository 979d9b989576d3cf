"""When a record becomes eligible for disposal: the table of dates."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from records.retention.eligibility import eligibility_date, eligible_before, latest_eligible_record_date

CHICAGO = ZoneInfo("America/Chicago")
UTC = dt.UTC

THREE_CALENDAR_YEARS = SimpleNamespace(trigger="end_of_calendar_year", period_years=3)
FIVE_CALENDAR_YEARS = SimpleNamespace(trigger="end_of_calendar_year", period_years=5)
THREE_YEARS_FROM_DATE = SimpleNamespace(trigger="record_date", period_years=3)
FOUR_YEARS_FROM_DATE = SimpleNamespace(trigger="record_date", period_years=4)
PERMANENT = SimpleNamespace(trigger="permanent", period_years=None)


@pytest.mark.parametrize(
    ("schedule", "record_date", "eligible_on"),
    [
        # A record of calendar year Y is kept through 31 December Y+3, eligible 1 January Y+4.
        (THREE_CALENDAR_YEARS, dt.date(2022, 1, 1), dt.date(2026, 1, 1)),
        (THREE_CALENDAR_YEARS, dt.date(2022, 12, 31), dt.date(2026, 1, 1)),
        (THREE_CALENDAR_YEARS, dt.date(2023, 1, 1), dt.date(2027, 1, 1)),
        (THREE_CALENDAR_YEARS, dt.date(2024, 2, 29), dt.date(2028, 1, 1)),
        # 31 December 23:30 in Kankakee is already 1 January in UTC: the City's year counts.
        (THREE_CALENDAR_YEARS, dt.datetime(2023, 1, 1, 5, 30, tzinfo=UTC), dt.date(2026, 1, 1)),
        (THREE_CALENDAR_YEARS, dt.datetime(2023, 1, 1, 6, 0, tzinfo=UTC), dt.date(2027, 1, 1)),
        (THREE_CALENDAR_YEARS, dt.datetime(2022, 12, 31, 23, 59, tzinfo=CHICAGO), dt.date(2026, 1, 1)),
        # A schedule change (period 3 -> 5) moves every date, with no code change.
        (FIVE_CALENDAR_YEARS, dt.date(2022, 12, 31), dt.date(2028, 1, 1)),
        # Anniversary trigger: a leap day rolls forward to 1 March, never back to 28 February.
        (THREE_YEARS_FROM_DATE, dt.date(2024, 2, 29), dt.date(2027, 3, 1)),
        (FOUR_YEARS_FROM_DATE, dt.date(2024, 2, 29), dt.date(2028, 2, 29)),
        (THREE_YEARS_FROM_DATE, dt.date(2023, 2, 28), dt.date(2026, 2, 28)),
        (THREE_YEARS_FROM_DATE, dt.date(2022, 12, 31), dt.date(2025, 12, 31)),
        (THREE_YEARS_FROM_DATE, dt.date(2023, 1, 1), dt.date(2026, 1, 1)),
        (PERMANENT, dt.date(2000, 1, 1), None),
    ],
)
def test_eligibility_date_table(schedule, record_date, eligible_on):
    assert eligibility_date(schedule, record_date) == eligible_on


@pytest.mark.parametrize(
    ("schedule", "as_of", "latest"),
    [
        (THREE_CALENDAR_YEARS, dt.date(2025, 12, 31), dt.date(2021, 12, 31)),
        (THREE_CALENDAR_YEARS, dt.date(2026, 1, 1), dt.date(2022, 12, 31)),
        (FIVE_CALENDAR_YEARS, dt.date(2026, 1, 1), dt.date(2020, 12, 31)),
        (THREE_YEARS_FROM_DATE, dt.date(2027, 2, 28), dt.date(2024, 2, 28)),
        (THREE_YEARS_FROM_DATE, dt.date(2027, 3, 1), dt.date(2024, 3, 1)),
        (FOUR_YEARS_FROM_DATE, dt.date(2028, 2, 29), dt.date(2024, 2, 29)),
        (PERMANENT, dt.date(2099, 1, 1), None),
    ],
)
def test_latest_eligible_record_date_table(schedule, as_of, latest):
    assert latest_eligible_record_date(schedule, as_of) == latest


@pytest.mark.parametrize("schedule", [THREE_CALENDAR_YEARS, THREE_YEARS_FROM_DATE, FOUR_YEARS_FROM_DATE])
def test_cutoff_agrees_with_eligibility_date_every_day_around_leap_years(schedule):
    """The SQL cut-off (records before an instant) and the per-record date never disagree."""
    for as_of_offset in range(0, 3 * 366, 7):
        as_of = dt.date(2026, 12, 20) + dt.timedelta(days=as_of_offset)
        cutoff = eligible_before(schedule, as_of)
        for day_offset in range(-3, 4):
            record_day = cutoff.date() + dt.timedelta(days=day_offset)
            for moment in (dt.time(0, 0), dt.time(23, 59)):
                record = dt.datetime.combine(record_day, moment, tzinfo=CHICAGO)
                assert (record < cutoff) == (eligibility_date(schedule, record) <= as_of), (as_of, record)

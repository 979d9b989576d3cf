from datetime import date

import pytest

from config.portal.calendar import BusinessCalendar, add_business_days
from config.portal.models import CityClosure

CAL = BusinessCalendar(closures={date(2026, 11, 27): "Day after Thanksgiving"})


@pytest.mark.parametrize(
    "start,count,expected",
    [
        (date(2026, 11, 16), 5, date(2026, 11, 23)),  # Monday: day one is Tuesday
        (date(2026, 11, 20), 5, date(2026, 12, 1)),  # Friday: Mon..Wed, Thanksgiving, closure, Mon, Tue
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # received on a Saturday
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day (Fri), weekend
        (date(2026, 6, 18), 1, date(2026, 6, 22)),  # Juneteenth (Fri)
        (date(2026, 11, 2), 1, date(2026, 11, 4)),  # Election Day in an even year
        (date(2025, 11, 3), 1, date(2025, 11, 4)),  # ... but not in an odd year
        (date(2026, 11, 16), 0, date(2026, 11, 16)),
    ],
)
def test_add_business_days(start, count, expected):
    assert CAL.add_business_days(start, count) == expected


def test_skipped_days_explain_the_due_date():
    skipped = CAL.skipped_days(date(2026, 11, 20), date(2026, 11, 30))
    reasons = {d.date: d.reason for d in skipped}
    assert reasons[date(2026, 11, 26)] == "Illinois holiday: Thanksgiving Day"
    assert reasons[date(2026, 11, 27)] == "City closure: Day after Thanksgiving"
    assert reasons[date(2026, 11, 21)] == "Saturday"
    assert CAL.business_days_between(date(2026, 11, 20), date(2026, 11, 30)) == 4
    assert CAL.business_days_between(date(2026, 11, 30), date(2026, 11, 20)) == -4


@pytest.mark.django_db
def test_city_closures_are_read_from_the_database():
    CityClosure.objects.create(date=date(2027, 1, 5), reason="Snow emergency")
    assert add_business_days(date(2027, 1, 4), 1) == date(2027, 1, 6)

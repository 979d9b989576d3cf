import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

CHICAGO = ZoneInfo("America/Chicago")


def chicago(year, month=6, day=1, hour=12, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def eligible_year(today):
    """A calendar year whose records are eligible today under the 3-calendar-year schedule."""
    return today.year - 4


@pytest.fixture
def current_year(today):
    """A calendar year whose records are still kept today."""
    return today.year - 3

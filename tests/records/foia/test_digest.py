from datetime import date, timedelta

import pytest
from django.core import mail

from config.portal.models import JobRun
from records.foia.digest import deadlines, send_daily_digest
from records.tasks import foia_daily_digest
from tests.factories import FoiaRequestFactory

pytestmark = pytest.mark.django_db


def test_digest_lists_overdue_and_due_soon_requests(settings):
    settings.CITY_CLERK_EMAIL = ["clerk@example.org"]
    today = date(2026, 11, 24)  # Tuesday; 2 business days later is Friday Nov 27 (Thanksgiving skipped)
    late = FoiaRequestFactory(received_on=date(2026, 11, 2))  # due Nov 10
    soon = FoiaRequestFactory(received_on=date(2026, 11, 19), due_on=date(2026, 11, 27))
    later = FoiaRequestFactory(received_on=date(2026, 11, 19), due_on=date(2026, 11, 30))
    done = FoiaRequestFactory(received_on=date(2026, 11, 2), state="denied")
    found = deadlines(today)
    assert found.due_soon_until == date(2026, 11, 27)
    assert found.overdue == [late] and found.due_soon == [soon]
    assert send_daily_digest(today) == 2
    message = mail.outbox[0]
    assert message.to == ["clerk@example.org"]
    assert late.reference in message.body and soon.reference in message.body
    assert later.reference not in message.body and done.reference not in message.body
    assert JobRun.objects.get(name="records.foia_daily_digest").outcome == "succeeded"


def test_no_email_when_nothing_is_due():
    FoiaRequestFactory(received_on=date.today() - timedelta(days=1), due_on=date.today() + timedelta(days=30))
    assert foia_daily_digest() == 0
    assert mail.outbox == []


def test_digest_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["records-foia-daily-digest"]["task"] == "records.foia_daily_digest"

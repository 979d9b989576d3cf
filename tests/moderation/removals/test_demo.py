"""The demo data makes every removal page meaningful, and seeding twice changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from moderation.models import AccountRestriction, CommenterNotice, Referral, Removal, ViolationReport
from tests.factories import sign_in_verified

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(
        model.objects.count()
        for model in (Removal, ViolationReport, Referral, CommenterNotice, AccountRestriction)
    )


def test_demo_seed_covers_every_removal_page_and_is_idempotent(client):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    removals, reports, referrals, notices, restrictions = first
    assert removals >= 4 and reports >= 5 and referrals >= 1 and notices == 2 and restrictions == 2
    assert Removal.objects.awaiting_second_review().exists()
    assert ViolationReport.objects.overdue().exists()
    assert ViolationReport.objects.filter(state="resolved").exists()
    users = get_user_model().objects
    sign_in_verified(client, users.get(username="comms"))
    for name in ("moderation:report-list", "moderation:review-queue", "moderation:removal-list"):
        assert client.get(reverse(name)).status_code == 200
    sign_in_verified(client, users.get(username="tst"))
    for name in (
        "moderation:referral-list",
        "moderation:restriction-list",
        "moderation:notice-template-list",
    ):
        assert client.get(reverse(name)).status_code == 200
    client.logout()
    assert f"{removals} removals in" in client.get(reverse("moderation:transparency-report")).content.decode()

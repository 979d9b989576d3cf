"""Holds override everything, also when a hold covers a whole series and other holds exist."""

import datetime as dt

import pytest
from django.template import Context, Template

from records.models import DisposalTombstone, FoiaLetter, RetentionSchedule
from records.retention.holds import held_queryset
from records.retention.services import certificate_draft, legal_hold_place, retention_enforce
from records.series import REGISTRY, Scope
from tests.factories import CommentFactory, FoiaRequestFactory, UserFactory, approve_certificate
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


def test_a_hold_on_a_whole_series_still_holds_it_beside_another_hold(clerk_user, today, eligible_year):
    comment = CommentFactory(posted_at=chicago(eligible_year), text="nothing special")
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    whole = legal_hold_place(
        actor=clerk_user, name="A", reason="r", scopes=[Scope(series=("captured-items",))]
    )
    legal_hold_place(actor=clerk_user, name="B", reason="r", scopes=[Scope(terms=("zzzz",))])
    assert comment.pk in set(held_queryset(REGISTRY["captured-items"]).values_list("pk", flat=True))
    assert comment.pk in set(held_queryset(REGISTRY["captured-items"], [whole]).values_list("pk", flat=True))
    retention_enforce()
    assert type(comment).objects.filter(pk=comment.pk).exists()
    assert not DisposalTombstone.objects.exists()


def test_a_letter_is_listed_and_kept_by_its_own_day_in_kankakee(clerk_user, today):
    """A calendar-date record reads back as the same day on the certificate, and the purge's last
    check does not take it a day early when a schedule is lengthened after approval."""
    schedule = RetentionSchedule.objects.get(series="foia-letters")
    request = FoiaRequestFactory()
    sent_on = dt.date(today.year - 3, 1, 1)
    letter = FoiaLetter.objects.create(
        request=request, kind="fulfilment", subject="s", body="b", sent_on=sent_on, sent_by=UserFactory()
    )
    schedule.period_years = 2
    schedule.save()
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    line = certificate.lines.get(schedule=schedule)
    assert line.earliest_record_date == sent_on == line.latest_record_date
    approve_certificate(certificate, actor=clerk_user)
    schedule.period_years = 3
    schedule.save()
    retention_enforce()
    assert FoiaLetter.objects.filter(pk=letter.pk).exists()


def test_redactions_page_names_the_series():
    rendered = Template("{% load retention %}{{ key|series_label }}").render(
        Context({"key": "captured-items"})
    )
    assert rendered == "Captured items"

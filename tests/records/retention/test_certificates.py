"""Disposal Certificates: drafting by the job, and the Clerk's filing, approval and withdrawal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from records.models import DisposalCertificate
from records.retention.services import (
    certificate_approve,
    certificate_draft,
    certificate_file,
    certificate_withdraw,
    legal_hold_place,
    retention_enforce,
)
from records.series import Scope
from tests.factories import CommentFactory, approve_certificate, backdate_draft, schedule_for
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(clerk_user, eligible_year, today):
    CommentFactory(posted_at=chicago(eligible_year, 1, 1, 0, 0))
    CommentFactory(posted_at=chicago(eligible_year, 12, 31, 23, 59))
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    backdate_draft(certificate, today - dt.timedelta(days=90))
    return certificate


def test_draft_lists_eligible_records_by_series_with_counts_and_dates(draft, eligible_year, current_year):
    CommentFactory(posted_at=chicago(current_year, 1, 1, 0, 0))  # kept until next year
    line = draft.lines.get()
    assert line.schedule == schedule_for("captured-items")
    assert line.record_count == 2
    assert (line.earliest_record_date, line.latest_record_date) == (
        dt.date(eligible_year, 1, 1),
        dt.date(eligible_year, 12, 31),
    )
    assert draft.items.count() == 2


def test_next_night_adds_new_records_to_the_open_draft_and_lists_none_twice(
    draft, clerk_user, eligible_year, today
):
    assert certificate_draft(actor=clerk_user, as_of=today) is None
    CommentFactory(posted_at=chicago(eligible_year, 5, 5))  # captured late
    again = certificate_draft(actor=clerk_user, as_of=today)
    assert again.pk == draft.pk
    assert again.items.count() == 3 and again.lines.get().record_count == 3
    assert DisposalCertificate.objects.count() == 1


def test_held_records_are_not_drafted(clerk_user, eligible_year, today):
    CommentFactory(posted_at=chicago(eligible_year), text="pothole complaint")
    kept = CommentFactory(posted_at=chicago(eligible_year), text="other")
    legal_hold_place(actor=clerk_user, name="H", reason="r", scopes=[Scope(terms=("pothole",))])
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    assert list(certificate.items.values_list("record_id", flat=True)) == [kept.pk]


def test_filing_requires_30_days_before_disposal(draft, clerk_user, today):
    filed_on = today - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        certificate_file(
            actor=clerk_user,
            certificate=draft,
            filed_on=filed_on,
            requested_disposal_date=filed_on + dt.timedelta(days=29),
        )
    assert "at least 30 days" in caught.value.message_dict["requested_disposal_date"][0]
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.DRAFT and draft.filed_on is None
    certificate_file(
        actor=clerk_user,
        certificate=draft,
        filed_on=filed_on,
        requested_disposal_date=filed_on + dt.timedelta(days=30),
    )
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.FILED and draft.filed_by == clerk_user


def test_approval_before_filing_is_refused(draft, clerk_user, today):
    filed_on = today - dt.timedelta(days=5)
    certificate_file(
        actor=clerk_user,
        certificate=draft,
        filed_on=filed_on,
        requested_disposal_date=today + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError) as caught:
        certificate_approve(
            actor=clerk_user,
            certificate=draft,
            approval_number="LRC-1",
            approved_on=filed_on - dt.timedelta(days=1),
            approver_name="Secretary",
        )
    assert "before the certificate was filed" in caught.value.message_dict["approved_on"][0]
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.FILED and not draft.approval_number


def test_a_draft_cannot_be_approved_directly(draft, clerk_user, today):
    with pytest.raises(ValidationError, match="only a filed certificate"):
        certificate_approve(
            actor=clerk_user, certificate=draft, approval_number="1", approved_on=today, approver_name="x"
        )


def test_approval_needs_number_and_name(draft, clerk_user, today):
    certificate_file(
        actor=clerk_user,
        certificate=draft,
        filed_on=today,
        requested_disposal_date=today + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError) as caught:
        certificate_approve(
            actor=clerk_user, certificate=draft, approval_number=" ", approved_on=today, approver_name=""
        )
    assert {"approval_number", "approver_name"} <= set(caught.value.message_dict)


def test_only_the_clerk_files(draft, comms_user, today):
    with pytest.raises(PermissionDenied):
        certificate_file(
            actor=comms_user,
            certificate=draft,
            filed_on=today,
            requested_disposal_date=today + dt.timedelta(days=30),
        )


def test_withdrawn_certificate_releases_its_records_for_the_next_draft(draft, clerk_user, today):
    certificate_withdraw(actor=clerk_user, certificate=draft, reason="Wrong series listed.")
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.WITHDRAWN
    fresh = certificate_draft(actor=clerk_user, as_of=today)
    assert fresh.pk != draft.pk and fresh.items.count() == 2


def test_approved_certificate_cannot_be_withdrawn(draft, clerk_user):
    approve_certificate(draft, actor=clerk_user)
    with pytest.raises(ValidationError, match="only a draft or filed"):
        certificate_withdraw(actor=clerk_user, certificate=draft, reason="no")


def test_dry_run_reports_the_draft_and_changes_nothing(clerk_user, eligible_year):
    CommentFactory(posted_at=chicago(eligible_year))
    report = retention_enforce(dry_run=True)
    assert not DisposalCertificate.objects.exists()
    assert any("Would list: 1 captured-items" in line for line in report.lines())


def test_filing_date_cannot_be_before_the_certificate_was_drafted(draft, clerk_user, today):
    """The 30 days of 44 Ill. Adm. Code 4000.40 run from when the certificate was really sent:
    a filing date before the certificate existed would let it be destroyed at once."""
    DisposalCertificate.objects.filter(pk=draft.pk).update(
        drafted_at=chicago(today.year, today.month, today.day)
    )
    filed_on = today - dt.timedelta(days=40)
    with pytest.raises(ValidationError) as caught:
        certificate_file(
            actor=clerk_user,
            certificate=draft,
            filed_on=filed_on,
            requested_disposal_date=filed_on + dt.timedelta(days=30),
        )
    assert "drafted" in caught.value.message_dict["filed_on"][0]
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.DRAFT

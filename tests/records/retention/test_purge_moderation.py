"""The moderation record series under the retention purge."""

import pytest

from moderation.models import CommenterNotice, Referral, Removal, RemovalCategory, ViolationReport
from records.models import DisposalTombstone
from records.retention.services import certificate_draft, legal_hold_place, retention_enforce
from records.series import Scope
from tests.factories import (
    CommenterNoticeFactory,
    CommentFactory,
    ReferralFactory,
    RemovalFactory,
    ViolationReportFactory,
    approve_certificate,
)
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


def _removal_with_its_records(year):
    when = chicago(year)
    comment = CommentFactory(posted_at=when, text="call 815-555-0142 about the pothole")
    removal = RemovalFactory(comment=comment, removed_at=when)
    report = ViolationReportFactory(comment=comment, removal=removal, notified_at=when)
    notice = CommenterNoticeFactory(removal=removal, recorded_at=when)
    referral = ReferralFactory(removal=removal, report=report, referred_at=when)
    return comment, removal, report, notice, referral


def test_removal_and_its_records_are_destroyed_in_order_with_tombstones(clerk_user, today, eligible_year):
    comment, removal, report, notice, referral = _removal_with_its_records(eligible_year)
    retained_sha256 = removal.retained_sha256
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    retention_enforce()
    assert not Removal.objects.filter(pk=removal.pk).exists()
    assert not RemovalCategory.objects.filter(removal_id=removal.pk).exists()
    assert not ViolationReport.objects.exists() and not CommenterNotice.objects.exists()
    assert not Referral.objects.exists()
    assert not Removal.history.filter(id=removal.pk).exists()
    assert not ViolationReport.history.filter(id=report.pk).exists()
    series = dict(DisposalTombstone.objects.values_list("series", "original_id"))
    assert series == {
        "captured-items": comment.pk,
        "removals": removal.pk,
        "violation-reports": report.pk,
        "commenter-notices": notice.pk,
        "referrals": referral.pk,
    }
    # The removal's tombstone keeps the digest of its retained copy (Sec. VI).
    assert DisposalTombstone.objects.get(series="removals").content_sha256 == retained_sha256


def test_hold_on_the_comment_keeps_its_removal_and_report(clerk_user, today, eligible_year):
    comment, removal, report, notice, referral = _removal_with_its_records(eligible_year)
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    legal_hold_place(
        actor=clerk_user, name="Doe", reason="Litigation", scopes=[Scope(record_ids=(comment.pk,))]
    )
    retention_enforce()
    assert Removal.objects.filter(pk=removal.pk).exists()
    assert ViolationReport.objects.filter(pk=report.pk).exists()
    assert CommenterNotice.objects.filter(pk=notice.pk).exists()
    assert not DisposalTombstone.objects.filter(series__in=["removals", "violation-reports"]).exists()


def test_removal_outlives_a_destroyed_comment_of_an_earlier_year(clerk_user, today, eligible_year):
    """The captured item is eligible; the removal (a year later) is not: only the link goes."""
    comment = CommentFactory(posted_at=chicago(eligible_year, 12, 31, 23, 30))
    removal = RemovalFactory(comment=comment, removed_at=chicago(eligible_year + 1, 1, 1, 0, 30))
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    retention_enforce()
    removal.refresh_from_db()
    assert removal.comment_id is None
    assert removal.retained_text == comment.text
    assert DisposalTombstone.objects.filter(series="captured-items", original_id=comment.pk).exists()


def test_record_pages_show_the_holds_on_them(client_as, clerk_user, tst_user):
    comment, removal, report, notice, referral = _removal_with_its_records(2026)
    legal_hold_place(
        actor=clerk_user, name="Doe v. City", reason="Litigation", scopes=[Scope(record_ids=(comment.pk,))]
    )
    urls = (
        comment.get_absolute_url(),
        removal.get_absolute_url(),
        f"/portal/moderation/reports/{report.pk}/",
        f"/portal/moderation/referrals/{referral.pk}/",
    )
    client = client_as(tst_user)
    for url in urls:
        # TST: that the record is held and kept, not which hold (need to know).
        body = client.get(url).content.decode()
        assert "Doe v. City" not in body, url
        assert "will not be destroyed while the hold is in force" in body, url
    client = client_as(clerk_user)
    for url in urls:
        body = client.get(url).content.decode()
        assert "Doe v. City" in body, url
        assert "will not be destroyed while any is in force" in body, url


def test_only_the_clerk_gets_links_to_hold_pages_from_a_record(client_as, clerk_user, tst_user):
    comment = CommentFactory()
    hold = legal_hold_place(
        actor=clerk_user, name="Doe v. City", reason="Litigation", scopes=[Scope(record_ids=(comment.pk,))]
    )
    assert hold.get_absolute_url() not in client_as(tst_user).get(comment.get_absolute_url()).content.decode()
    assert hold.get_absolute_url() in client_as(clerk_user).get(comment.get_absolute_url()).content.decode()


def test_hold_on_a_comment_keeps_a_referral_made_from_its_report(clerk_user, today, eligible_year):
    """A report without a removal, and the referral filed from it, are held with the comment."""
    when = chicago(eligible_year)
    comment = CommentFactory(posted_at=when)
    report = ViolationReportFactory(comment=comment, removal=None, notified_at=when)
    referral = ReferralFactory(removal=None, report=report, referred_at=when)
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    legal_hold_place(
        actor=clerk_user, name="Doe", reason="Litigation", scopes=[Scope(record_ids=(comment.pk,))]
    )
    retention_enforce()
    assert ViolationReport.objects.filter(pk=report.pk).exists()
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_hold_preview_counts_the_records_of_the_chosen_items_in_every_series():
    """Explicitly chosen records are captured items: other series are reached through them."""
    CommentFactory.create_batch(3)  # so that no removal shares its number with the chosen item
    comment, removal, report, notice, referral = _removal_with_its_records(2026)
    assert removal.pk != comment.pk
    counts = Scope(record_ids=(comment.pk,)).counts()
    assert counts == {
        "captured-items": 1,
        "commenter-notices": 1,
        "referrals": 1,
        "violation-reports": 1,
        "account-restrictions": 0,
        "removals": 1,
    }

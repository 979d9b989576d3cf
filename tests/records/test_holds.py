"""Legal holds: placing, releasing, and which records a scope covers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from moderation.models import Comment
from records.models import LegalHold
from records.retention.holds import held_queryset, holds_on, scope_counts
from records.retention.series import CAPTURED_ITEMS
from records.services import legal_hold_add_records, legal_hold_place, legal_hold_release
from tests.factories import CommenterFactory, CommentFactory, SiteFactory
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


def place(actor, **scope):
    return legal_hold_place(actor=actor, name="Doe v. City", reason="Litigation pending.", **scope)


def test_hold_with_an_empty_scope_is_refused_and_nothing_is_saved(clerk_user):
    with pytest.raises(ValidationError) as caught:
        place(clerk_user)
    assert "must name its scope" in str(caught.value)
    assert not LegalHold.objects.exists()


def test_only_the_clerk_places_holds(tst_user):
    with pytest.raises(PermissionDenied):
        place(tst_user, search_terms="pothole")


def test_hold_date_range_backwards_is_refused(clerk_user):
    with pytest.raises(ValidationError) as caught:
        place(clerk_user, date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 1, 1))
    assert "date_to" in caught.value.message_dict


def test_site_scope_within_date_range(clerk_user):
    site = SiteFactory()
    inside = CommentFactory(site=site, posted_at=chicago(2023, 3, 31, 23, 59))
    before = CommentFactory(site=site, posted_at=chicago(2023, 2, 28, 23, 59))
    other_site = CommentFactory(posted_at=chicago(2023, 3, 15))
    hold = place(clerk_user, sites=[site], date_from=dt.date(2023, 3, 1), date_to=dt.date(2023, 3, 31))
    held = set(held_queryset(CAPTURED_ITEMS, [hold]).values_list("pk", flat=True))
    assert held == {inside.pk}
    assert before.pk not in held and other_site.pk not in held


def test_date_range_alone_covers_every_record_in_it(clerk_user):
    inside = CommentFactory(posted_at=chicago(2023, 1, 1, 0, 0))
    outside = CommentFactory(posted_at=chicago(2022, 12, 31, 23, 59))
    hold = place(clerk_user, date_from=dt.date(2023, 1, 1))
    held = set(held_queryset(CAPTURED_ITEMS, [hold]).values_list("pk", flat=True))
    assert inside.pk in held and outside.pk not in held


def test_commenter_terms_and_explicit_records_are_a_union(clerk_user):
    commenter = CommenterFactory()
    by_commenter = CommentFactory(author=commenter, site=SiteFactory(platform=commenter.platform))
    with_term = CommentFactory(text="The POTHOLE on Court Street")
    chosen = CommentFactory(text="unrelated", posted_at=chicago(2019))
    unrelated = CommentFactory(text="nothing to see")
    hold = place(
        clerk_user,
        commenters=[commenter],
        search_terms="pothole\n",
        comments=[chosen],
        date_from=dt.date(2020, 1, 1),
    )
    held = set(held_queryset(CAPTURED_ITEMS, [hold]).values_list("pk", flat=True))
    # Explicitly chosen records are held whatever the date range says.
    assert held == {by_commenter.pk, with_term.pk, chosen.pk}
    assert unrelated.pk not in held


def test_scope_preview_counts_without_placing(clerk_user):
    CommentFactory(text="pothole one")
    CommentFactory(text="pothole two")
    CommentFactory(text="other")
    assert scope_counts(terms=["pothole"])["captured-items"] == 2
    assert not LegalHold.objects.exists()


def test_released_hold_no_longer_holds_and_release_is_recorded(clerk_user):
    comment = CommentFactory(text="pothole")
    hold = place(clerk_user, search_terms="pothole")
    assert holds_on(comment) == [hold]
    legal_hold_release(actor=clerk_user, hold=hold, reason="Case settled.")
    hold.refresh_from_db()
    assert hold.released_by == clerk_user and hold.released_at
    assert holds_on(comment) == []
    assert hold.history.first().history_change_reason == "Legal hold released"
    with pytest.raises(ValidationError, match="already released"):
        legal_hold_release(actor=clerk_user, hold=hold, reason="again")


def test_release_needs_a_reason(clerk_user):
    hold = place(clerk_user, search_terms="x")
    with pytest.raises(ValidationError) as caught:
        legal_hold_release(actor=clerk_user, hold=hold, reason=" ")
    assert "reason" in caught.value.message_dict
    hold.refresh_from_db()
    assert hold.is_active


def test_foia_hold_kind_and_reference_and_added_records(clerk_user):
    first, second = CommentFactory(), CommentFactory()
    hold = legal_hold_place(
        actor=clerk_user,
        name="FOIA 2026-014",
        reason="Responsive records of a pending FOIA request.",
        kind=LegalHold.Kind.FOIA_REQUEST,
        reference="2026-014",
        comments=[first],
    )
    legal_hold_add_records(actor=clerk_user, hold=hold, comments=[second])
    assert set(hold.comments.all()) == {first, second}
    assert set(Comment.objects.filter(legal_holds=hold)) == {first, second}
    assert hold.get_kind_display() == "Pending FOIA request"


def test_foia_request_holds_its_records_until_it_is_withdrawn(clerk_user):
    from django.utils import timezone

    from records.foia import services as foia_services
    from records.models import FoiaRequest
    from tests.factories import FoiaRequesterFactory

    comment = CommentFactory(text="about the parade")
    request = foia_services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=timezone.localdate(),
        channel=FoiaRequest.Channel.EMAIL,
        description="Comments about the parade.",
        search_terms="parade",
        record_kinds=[FoiaRequest.RecordKind.CAPTURED_ITEMS],
    )
    hold = request.hold
    assert (hold.kind, hold.reference) == (LegalHold.Kind.FOIA_REQUEST, request.reference)
    assert holds_on(comment) == [hold]
    foia_services.foia_request_withdraw(
        actor=clerk_user, request=request, subject="Withdrawn", body="As asked."
    )
    assert holds_on(comment) == []


def test_admin_cannot_delete_holds_certificates_or_tombstones(client_as, superuser):
    from django.contrib import admin

    from records.models import DisposalCertificate, DisposalTombstone

    for model in (LegalHold, DisposalCertificate, DisposalTombstone):
        assert not admin.site._registry[model].has_delete_permission(None)


@pytest.mark.parametrize("role_user", ["comms_user", "tst_user"])
def test_hold_history_is_for_the_clerk_only(request, clerk_user, role_user):
    """Hold pages are the Clerk's; the history must not show other roles a hold's matter or
    scope, such as the search terms of the FOIA request it was placed for."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from records.foia import services as foia_services
    from records.models import FoiaRequest
    from tests.factories import FoiaRequesterFactory

    CommentFactory(text="about the parade")
    foia_request = foia_services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=timezone.localdate(),
        channel=FoiaRequest.Channel.EMAIL,
        description="Comments about the parade.",
        search_terms="confidential-term",
        record_kinds=[FoiaRequest.RecordKind.CAPTURED_ITEMS],
    )
    litigation = place(clerk_user, search_terms="parade", matter="Doe v. City, sealed")
    for hold in (foia_request.hold, litigation):
        url = reverse("portal:history", args=["records", "legalhold", hold.pk])
        clerk, other = Client(), Client()
        clerk.force_login(clerk_user)
        other.force_login(request.getfixturevalue(role_user))
        assert clerk.get(url).status_code == 200
        response = other.get(url)
        assert response.status_code == 403
        assert "confidential-term" not in response.content.decode()

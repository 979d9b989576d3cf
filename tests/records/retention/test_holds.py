"""Legal holds: placing, releasing, and which records a scope covers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from moderation.models import Comment
from records.models import HoldScope, LegalHold
from records.retention.holds import held_queryset, holds_on
from records.retention.services import (
    legal_hold_add_records,
    legal_hold_add_scope,
    legal_hold_place,
    legal_hold_release,
)
from records.series import REGISTRY, Scope
from tests.factories import (
    CommenterFactory,
    CommentFactory,
    PolicyDocumentFactory,
    RemovalFactory,
    SiteFactory,
    sign_in_verified,
)
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


def place(actor, *scopes, **fields):
    return legal_hold_place(
        actor=actor, name="Doe v. City", reason="Litigation pending.", scopes=list(scopes), **fields
    )


def held(hold, key="captured-items"):
    return set(held_queryset(REGISTRY[key], [hold]).values_list("pk", flat=True))


def test_hold_with_an_empty_scope_is_refused_and_nothing_is_saved(clerk_user):
    for scopes in ([], [Scope()]):
        with pytest.raises(ValidationError) as caught:
            place(clerk_user, *scopes)
        assert "at least one scope" in str(caught.value) or "must name what it holds" in str(caught.value)
    assert not LegalHold.objects.exists()
    assert not HoldScope.objects.exists()


def test_only_the_clerk_places_holds(tst_user):
    with pytest.raises(PermissionDenied):
        place(tst_user, Scope(terms=("pothole",)))


def test_hold_date_range_backwards_is_refused(clerk_user):
    with pytest.raises(ValidationError) as caught:
        place(clerk_user, Scope(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 1, 1)))
    assert "date_to" in caught.value.message_dict


def test_unknown_series_is_refused(clerk_user):
    with pytest.raises(ValidationError) as caught:
        place(clerk_user, Scope(series=("captured_items",)))
    assert "captured_items" in caught.value.message_dict["series"][0]


def test_site_scope_within_date_range(clerk_user):
    site = SiteFactory()
    inside = CommentFactory(site=site, posted_at=chicago(2023, 3, 31, 23, 59))
    before = CommentFactory(site=site, posted_at=chicago(2023, 2, 28, 23, 59))
    other_site = CommentFactory(posted_at=chicago(2023, 3, 15))
    hold = place(
        clerk_user, Scope(site_ids=(site.pk,), date_from=dt.date(2023, 3, 1), date_to=dt.date(2023, 3, 31))
    )
    assert held(hold) == {inside.pk}
    assert before.pk not in held(hold) and other_site.pk not in held(hold)


def test_criteria_of_one_scope_are_joined_by_and_choices_within_one_by_or(clerk_user):
    """The hold a new user placed for "Facebook, terms sue / lawsuit" held every Facebook item."""
    facebook = SiteFactory()
    sue = CommentFactory(site=facebook, text="I will SUE the city")
    lawsuit = CommentFactory(site=facebook, text="a lawsuit is coming")
    CommentFactory.create_batch(5, site=facebook, text="nice parade")
    CommentFactory(text="I will sue, elsewhere")
    hold = place(clerk_user, Scope(site_ids=(facebook.pk,), terms=("sue", "lawsuit")))
    assert held(hold) == {sue.pk, lawsuit.pk}


def test_date_range_alone_covers_every_record_in_it(clerk_user):
    inside = CommentFactory(posted_at=chicago(2023, 1, 1, 0, 0))
    outside = CommentFactory(posted_at=chicago(2022, 12, 31, 23, 59))
    hold = place(clerk_user, Scope(date_from=dt.date(2023, 1, 1)))
    assert inside.pk in held(hold) and outside.pk not in held(hold)


def test_a_hold_covers_the_union_of_its_scopes(clerk_user):
    commenter = CommenterFactory()
    by_commenter = CommentFactory(author=commenter, site=SiteFactory(platform=commenter.platform))
    with_term = CommentFactory(text="The POTHOLE on Court Street")
    chosen = CommentFactory(text="unrelated", posted_at=chicago(2019))
    unrelated = CommentFactory(text="nothing to see")
    hold = place(
        clerk_user,
        Scope(commenter_ids=(commenter.pk,), date_from=dt.date(2020, 1, 1)),
        Scope(terms=("pothole",), date_from=dt.date(2020, 1, 1)),
        Scope(record_ids=(chosen.pk,)),
    )
    assert held(hold) == {by_commenter.pk, with_term.pk, chosen.pk}
    assert unrelated.pk not in held(hold)
    assert hold.scopes.count() == 3


def test_a_scope_limited_to_series_holds_only_those(clerk_user):
    site = SiteFactory()
    comment = CommentFactory(site=site)
    removal = RemovalFactory(comment=comment, site=site)
    hold = place(clerk_user, Scope(series=("removals",), site_ids=(site.pk,)))
    assert held(hold, "removals") == {removal.pk}
    assert held(hold) == set()


def test_a_criterion_that_cannot_reach_a_series_does_not_hold_all_of_it(clerk_user):
    """A hold on a commenter over every series must not hold every policy document or site."""
    commenter = CommenterFactory()
    CommentFactory(author=commenter, site=SiteFactory(platform=commenter.platform))
    PolicyDocumentFactory()
    hold = place(clerk_user, Scope(commenter_ids=(commenter.pk,)))
    assert held(hold, "policy-documents") == set()
    assert held(hold, "sites") == set()
    assert len(held(hold)) == 1


def test_scope_preview_counts_without_placing(clerk_user):
    CommentFactory(text="pothole one")
    CommentFactory(text="pothole two")
    CommentFactory(text="other")
    assert Scope(terms=("pothole",)).counts()["captured-items"] == 2
    assert not LegalHold.objects.exists()


def test_adding_a_scope_widens_an_active_hold_with_history(clerk_user):
    first, second = CommentFactory(text="pothole"), CommentFactory(text="bridge")
    hold = place(clerk_user, Scope(terms=("pothole",)))
    assert held(hold) == {first.pk}
    legal_hold_add_scope(actor=clerk_user, hold=hold, scope=Scope(terms=("bridge",)))
    assert held(hold) == {first.pk, second.pk}
    assert hold.history.first().history_change_reason == "Scope added to the hold"
    legal_hold_release(actor=clerk_user, hold=hold, reason="Settled.")
    with pytest.raises(ValidationError, match="was released"):
        legal_hold_add_scope(actor=clerk_user, hold=hold, scope=Scope(terms=("x",)))


def test_released_hold_no_longer_holds_and_release_is_recorded(clerk_user):
    comment = CommentFactory(text="pothole")
    hold = place(clerk_user, Scope(terms=("pothole",)))
    assert holds_on(comment) == [hold]
    legal_hold_release(actor=clerk_user, hold=hold, reason="Case settled.")
    hold.refresh_from_db()
    assert hold.released_by == clerk_user and hold.released_at
    assert holds_on(comment) == []
    assert hold.history.first().history_change_reason == "Legal hold released"
    with pytest.raises(ValidationError, match="already released"):
        legal_hold_release(actor=clerk_user, hold=hold, reason="again")


def test_release_needs_a_reason(clerk_user):
    hold = place(clerk_user, Scope(terms=("x",)))
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
        scopes=[Scope(record_ids=(first.pk,))],
    )
    legal_hold_add_records(actor=clerk_user, hold=hold, comments=[second])
    assert held(hold) == {first.pk, second.pk}
    assert set(Comment.objects.filter(pk__in=held(hold))) == {first, second}
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
        record_kinds=["captured-items"],
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
        record_kinds=["captured-items"],
    )
    litigation = place(clerk_user, Scope(terms=("parade",)), matter="Doe v. City, sealed")
    for hold in (foia_request.hold, litigation):
        url = reverse("portal:history", args=["records", "legalhold", hold.pk])
        clerk, other = Client(), Client()
        sign_in_verified(clerk, clerk_user)
        sign_in_verified(other, request.getfixturevalue(role_user))
        assert clerk.get(url).status_code == 200
        response = other.get(url)
        assert response.status_code == 403
        assert "confidential-term" not in response.content.decode()

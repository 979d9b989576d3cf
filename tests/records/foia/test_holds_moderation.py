"""A pending FOIA request holds every responsive moderation record (PAC opinion 19-013).

The hold that a request places must cover at least what the request's export would hand
out, series by series: otherwise a responsive record could be destroyed while the request
is pending. Each test builds a record the request answers with and checks the hold.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from moderation.models import Removal
from records.foia import services
from records.models import FoiaRequest
from records.retention.holds import held_queryset
from records.series import REGISTRY as KINDS
from records.series import Scope
from tests.factories import (
    CommenterFactory,
    CommenterNoticeFactory,
    CommentFactory,
    FoiaRequesterFactory,
    ReferralFactory,
    RemovalFactory,
    SiteFactory,
    ViolationReportFactory,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
SERIES_OF_KIND = {
    "removals": "removals",
    "violation-reports": "violation-reports",
    "referrals": "referrals",
    "commenter-notices": "commenter-notices",
}


def chicago(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


def _request(clerk_user, **scope):
    return services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=date.today(),
        channel=FoiaRequest.Channel.EMAIL,
        description="Records about removals",
        record_kinds=list(SERIES_OF_KIND),
        **scope,
    )


def _assert_responsive_records_held(request):
    for kind, series in SERIES_OF_KIND.items():
        responsive = set(KINDS[kind].selected(Scope.of_request(request)).values_list("pk", flat=True))
        held = set(held_queryset(KINDS[series]).values_list("pk", flat=True))
        assert responsive, f"the test must build a responsive {kind} record"
        assert responsive <= held, f"{kind}: responsive {sorted(responsive - held)} not held"


def _removal_of_a_destroyed_item(site, author, **kwargs):
    """A removal whose captured item was already disposed of: only the retained copy names the poster."""
    removal = RemovalFactory(comment=CommentFactory(site=site, author=author, **kwargs))
    Removal.objects.filter(pk=removal.pk).update(comment=None)
    removal.refresh_from_db()
    return removal


def test_commenter_scope_holds_records_found_by_the_retained_poster(clerk_user):
    site = SiteFactory()
    jane = CommenterFactory(platform=site.platform, platform_user_id="jane-1")
    removal = _removal_of_a_destroyed_item(site, jane)
    report = ViolationReportFactory(comment=None, removal=removal, site=site)
    CommenterNoticeFactory(removal=removal)
    ReferralFactory(removal=removal, report=report)
    # A report made about her item without a removal, and its referral.
    own_report = ViolationReportFactory(
        comment=CommentFactory(site=site, author=jane), removal=None, site=site
    )
    ReferralFactory(removal=None, report=own_report)
    request = _request(clerk_user, commenters=[jane])
    _assert_responsive_records_held(request)


def test_site_scope_holds_a_referral_made_from_a_report(clerk_user):
    site = SiteFactory()
    removal = RemovalFactory(comment=CommentFactory(site=site))
    CommenterNoticeFactory(removal=removal)
    report = ViolationReportFactory(comment=CommentFactory(site=site), removal=None, site=site)
    ReferralFactory(removal=None, report=report)
    request = _request(clerk_user, sites=[site])
    _assert_responsive_records_held(request)


def test_search_terms_hold_every_text_the_request_searches(clerk_user):
    site = SiteFactory()
    removal = RemovalFactory(
        comment=CommentFactory(site=site, text="nothing here"), reason="Mentions the Zanzibar account"
    )
    CommenterNoticeFactory(
        removal=removal,
        status="not_possible",
        channel="",
        message="",
        sent_at=None,
        not_possible_reason="Zanzibar account is private",
    )
    report = ViolationReportFactory(removal=removal, comment=None, site=site, concern="Zanzibar")
    ReferralFactory(removal=removal, report=report, details="", outcome="Zanzibar account closed")
    request = _request(clerk_user, search_terms="zanzibar")
    _assert_responsive_records_held(request)


def test_date_range_holds_a_removal_of_an_item_posted_in_it(clerk_user):
    site = SiteFactory()
    removal = RemovalFactory(
        comment=CommentFactory(site=site, posted_at=chicago(2022, 12, 30)), removed_at=chicago(2023, 1, 2)
    )
    report = ViolationReportFactory(removal=removal, site=site, notified_at=chicago(2022, 12, 30))
    CommenterNoticeFactory(removal=removal, recorded_at=chicago(2022, 12, 31))
    ReferralFactory(removal=removal, report=report, referred_at=chicago(2022, 12, 31))
    request = _request(clerk_user, date_from=date(2022, 12, 1), date_to=date(2022, 12, 31))
    _assert_responsive_records_held(request)


def test_the_hold_of_a_pending_request_is_not_released_by_hand(clerk_user):
    """The hold goes when the request is closed or withdrawn, not from the legal-hold page."""
    from django.core.exceptions import ValidationError

    from records.retention.services import legal_hold_release

    site = SiteFactory()
    request = _request(clerk_user, sites=[site])
    with pytest.raises(ValidationError, match=request.reference):
        legal_hold_release(actor=clerk_user, hold=request.hold, reason="Tidying up")
    request.hold.refresh_from_db()
    assert request.hold.released_at is None


def test_the_hold_page_of_a_pending_request_offers_no_release(client_as, clerk_user):
    request = _request(clerk_user, sites=[SiteFactory()])
    client = client_as(clerk_user)
    body = client.get(request.hold.get_absolute_url()).content.decode()
    assert "Release the hold" not in body
    response = client.post(reverse("records:hold-release", args=[request.hold.pk]), {"reason": "Tidying up"})
    assert response.status_code == 400
    assert "released when the request is closed or withdrawn" in response.content.decode()
    request.hold.refresh_from_db()
    assert request.hold.released_at is None


def test_closing_the_request_still_releases_its_hold(clerk_user):
    request = _request(clerk_user, sites=[SiteFactory()])
    services.foia_request_withdraw(actor=clerk_user, request=request, subject="Withdrawn", body="As asked.")
    request.hold.refresh_from_db()
    assert request.hold.released_at is not None


def test_the_admin_site_cannot_release_or_narrow_a_hold(client, superuser, clerk_user):
    """Holds are placed and released on the portal only (the Clerk, under the hold lock, and a
    FOIA request's hold only with the request): the admin shows them read-only."""
    request = _request(clerk_user, sites=[SiteFactory()])
    hold = request.hold
    sign_in_verified(client, superuser)
    change_url = reverse("admin:records_legalhold_change", args=[hold.pk])
    assert client.get(change_url).status_code == 200
    response = client.post(
        change_url,
        {
            "name": hold.name,
            "kind": hold.kind,
            "reason": hold.reason,
            "placed_by": hold.placed_by_id,
            "placed_at_0": "2026-01-01",
            "placed_at_1": "00:00:00",
            "released_at_0": "2026-01-02",
            "released_at_1": "00:00:00",
            "release_reason": "Done",
        },
    )
    assert response.status_code == 403
    hold.refresh_from_db()
    assert hold.released_at is None and hold.scopes.get().site_ids
    assert client.get(reverse("admin:records_legalhold_add")).status_code == 403

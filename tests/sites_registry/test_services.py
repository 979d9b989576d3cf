"""The site state machine, the Sec. IV checklist gate, and the identity checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sites_registry import services
from sites_registry.models import Audience, ComplianceItem, Platform, Site, SiteDecision
from tests.factories import SiteFactory, confirm_checklist

pytestmark = pytest.mark.django_db

ALL_STATES = list(Site.State.values)
ALLOWED = {
    ("approve", "requested"): "approved",
    ("reject", "requested"): "rejected",
    ("suspend", "approved"): "suspended",
    ("reinstate", "suspended"): "approved",
    ("retire", "approved"): "retired",
    ("retire", "suspended"): "retired",
    ("recertify", "approved"): "approved",
}


def _request(actor, **overrides):
    fields = {
        "platform": Platform.objects.get(slug="facebook"),
        "account_name": "Kankakee Fire Department",
        "handle": "@KankakeeFire",
        "url": "https://www.facebook.com/KankakeeFire",
        "department": "Fire",
        "audiences": [Audience.RESIDENTS, Audience.YOUTH],
        "authorised_posters": "Chief Example",
        "contact_information": "Fire HQ, (815) 933-0000",
    }
    fields.update(overrides)
    return services.site_request(actor=actor, **fields)


def test_request_opens_a_site_with_the_full_checklist(tst_user):
    site = _request(tst_user)
    assert site.state == Site.State.REQUESTED
    assert site.handle == "KankakeeFire"
    assert site.requested_by == tst_user
    assert set(site.compliance_items.values_list("kind", flat=True)) == set(ComplianceItem.Kind.values)
    assert site.history.first().history_user == tst_user


def test_seeded_platforms_carry_the_ordinance_terms_urls():
    assert Platform.objects.get(slug="x").terms_url == "https://twitter.com/tos"
    assert Platform.objects.get(slug="ring").terms_url == "https://shop.ring.com/pages/terms"
    assert set(Platform.objects.values_list("slug", flat=True)) >= {
        "facebook",
        "x",
        "instagram",
        "linkedin",
        "youtube",
        "nextdoor",
        "ring",
        "nixle",
        "flickr",
        "other",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "https://www.instagram.com/KankakeeFire"),
        ("url", "https://facebook.com.evil.example/KankakeeFire"),
        ("url", "ftp://www.facebook.com/KankakeeFire"),
        ("handle", "https://twitter.com/KankakeeFire"),
        ("handle", "Kankakee Fire!"),
        ("url", "https://www.facebook.com/KankakeePD"),
    ],
)
def test_handle_or_url_off_the_platform_is_refused_naming_the_field(tst_user, field, value):
    with pytest.raises(ValidationError) as caught:
        _request(tst_user, **{field: value})
    assert field in caught.value.message_dict
    assert not Site.objects.filter(account_name="Kankakee Fire Department").exists()


def test_handle_given_as_a_link_on_the_platform_is_accepted(tst_user):
    site = _request(tst_user, handle="https://m.facebook.com/KankakeeFire")
    assert site.handle == "KankakeeFire"


def test_other_platform_accepts_any_host(tst_user):
    site = _request(
        tst_user, platform=Platform.objects.get(slug="other"), url="https://mastodon.example/@kfd"
    )
    assert site.state == Site.State.REQUESTED


def test_duplicate_platform_and_handle_is_refused_whatever_the_case(tst_user):
    _request(tst_user)
    with pytest.raises(ValidationError) as caught:
        _request(tst_user, handle="kankakeefire", account_name="Copy")
    assert "handle" in caught.value.message_dict
    assert Site.objects.filter(handle__iexact="kankakeefire").count() == 1


def test_same_handle_on_another_platform_is_a_different_site(tst_user):
    _request(tst_user)
    site = _request(tst_user, platform=Platform.objects.get(slug="x"), url="https://x.com/KankakeeFire")
    assert site.platform.slug == "x"


@pytest.mark.parametrize("field", ["account_name", "department", "authorised_posters", "contact_information"])
def test_request_needs_every_required_field(tst_user, field):
    with pytest.raises(ValidationError) as caught:
        _request(tst_user, **{field: "  "})
    assert field in caught.value.message_dict


def test_request_needs_a_known_audience(tst_user):
    with pytest.raises(ValidationError) as caught:
        _request(tst_user, audiences=[])
    assert "audiences" in caught.value.message_dict
    with pytest.raises(ValidationError):
        _request(tst_user, audiences=["aliens"])


def test_clerk_cannot_request_a_site(clerk_user):
    with pytest.raises(PermissionDenied):
        _request(clerk_user)


@pytest.mark.parametrize("action", list(services.TRANSITIONS))
@pytest.mark.parametrize("state", ALL_STATES)
def test_every_transition_is_allowed_or_refused_as_the_ordinance_says(comms_user, action, state):
    site = SiteFactory(state=state, checklist="confirmed")
    expected = ALLOWED.get((action, state))
    decide = services.SITE_DECISIONS[action]
    if expected is None:
        with pytest.raises(services.InvalidTransition):
            decide(actor=comms_user, site=site, reason="Because")
        site.refresh_from_db()
        assert site.state == state
        assert not SiteDecision.objects.filter(site=site).exists()
    else:
        decided = decide(actor=comms_user, site=site, reason="Because")
        site.refresh_from_db()
        assert site.state == expected == decided.state
        decision = SiteDecision.objects.get(site=site)
        assert (decision.action, decision.from_state, decision.to_state) == (action, state, expected)
        assert decision.decided_by == comms_user and decision.reason == "Because"
        latest = site.history.first()
        assert latest.history_user == comms_user
        assert "Because" in latest.history_change_reason


@pytest.mark.parametrize("user_fixture", ["tst_user", "clerk_user", "plain_user"])
def test_only_the_communications_office_decides(request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    site = SiteFactory(state=Site.State.REQUESTED, checklist="confirmed")
    with pytest.raises(PermissionDenied):
        services.site_approve(actor=user, site=site, reason="ok")
    site.refresh_from_db()
    assert site.state == Site.State.REQUESTED


def test_superuser_may_decide(superuser):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="confirmed")
    assert services.site_approve(actor=superuser, site=site, reason="ok").state == Site.State.APPROVED


def test_decision_needs_a_reason(comms_user):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="confirmed")
    with pytest.raises(ValidationError) as caught:
        services.site_reject(actor=comms_user, site=site, reason=" ")
    assert "reason" in caught.value.message_dict


def test_site_cannot_be_approved_while_a_mandatory_item_is_open(tst_user, comms_user):
    site = _request(tst_user)
    items = list(site.compliance_items.all())
    for item in items:
        if item.kind != ComplianceItem.Kind.PUBLIC_DISCLOSURE:
            services.compliance_item_confirm(actor=tst_user, item=item, where_shown="screenshot 1")
    with pytest.raises(ValidationError) as caught:
        services.site_approve(actor=comms_user, site=site, reason="ok")
    assert "public disclosure" in str(caught.value.message_dict["checklist"])
    site.refresh_from_db()
    assert site.state == Site.State.REQUESTED
    item = site.compliance_items.get(kind=ComplianceItem.Kind.PUBLIC_DISCLOSURE)
    services.compliance_item_confirm(actor=tst_user, item=item, where_shown="https://facebook.com/x/about")
    assert services.site_approve(actor=comms_user, site=site, reason="ok").state == Site.State.APPROVED


def test_site_without_its_checklist_rows_is_not_approved(comms_user):
    """A site added in the Django admin gets no checklist rows: the missing mandatory
    disclosures (Sec. IV) count as not confirmed, so the gate still applies."""
    site = SiteFactory(state=Site.State.REQUESTED)
    assert not site.compliance_items.exists()
    with pytest.raises(ValidationError) as caught:
        services.site_approve(actor=comms_user, site=site, reason="ok")
    assert "public disclosure" in str(caught.value.message_dict["checklist"])
    site.refresh_from_db()
    assert site.state == Site.State.REQUESTED


def test_where_possible_items_may_stay_open_or_be_marked_not_possible(tst_user, comms_user):
    site = _request(tst_user)
    confirm_checklist(site, actor=tst_user, mandatory_only=True)
    opinions = site.compliance_items.get(kind=ComplianceItem.Kind.VISITOR_OPINIONS)
    services.compliance_item_mark_not_possible(actor=tst_user, item=opinions, reason="No about field")
    opinions.refresh_from_db()
    assert opinions.status == ComplianceItem.Status.NOT_POSSIBLE
    assert services.site_approve(actor=comms_user, site=site, reason="ok").state == Site.State.APPROVED


def test_mandatory_item_cannot_be_marked_not_possible(tst_user):
    site = _request(tst_user)
    item = site.compliance_items.get(kind=ComplianceItem.Kind.LIMITED_PUBLIC_FORUM)
    with pytest.raises(ValidationError) as caught:
        services.compliance_item_mark_not_possible(actor=tst_user, item=item, reason="hard")
    assert "reason" in caught.value.message_dict
    item.refresh_from_db()
    assert item.status == ComplianceItem.Status.OPEN


def test_confirming_needs_where_it_is_shown(tst_user):
    site = _request(tst_user)
    item = site.compliance_items.first()
    with pytest.raises(ValidationError) as caught:
        services.compliance_item_confirm(actor=tst_user, item=item, where_shown="")
    assert "where_shown" in caught.value.message_dict


def test_clerk_cannot_keep_the_checklist(tst_user, clerk_user):
    item = _request(tst_user).compliance_items.first()
    with pytest.raises(PermissionDenied):
        services.compliance_item_confirm(actor=clerk_user, item=item, where_shown="x")


def test_reopened_item_blocks_reinstatement(comms_user, tst_user):
    site = SiteFactory(state=Site.State.SUSPENDED, checklist="confirmed")
    item = site.compliance_items.get(kind=ComplianceItem.Kind.CONTACT_INFORMATION)
    services.compliance_item_reopen(actor=tst_user, item=item, reason="Contact box removed")
    with pytest.raises(ValidationError):
        services.site_reinstate(actor=comms_user, site=site, reason="fixed?")
    services.compliance_item_confirm(actor=tst_user, item=item, where_shown="https://example/about")
    assert services.site_reinstate(actor=comms_user, site=site, reason="fixed").state == Site.State.APPROVED


def test_recertification_needs_items_reconfirmed_since_the_last_certification(comms_user, tst_user):
    site = SiteFactory(state=Site.State.APPROVED, checklist="confirmed")
    site.last_certified_at = timezone.now()
    site.save()
    with pytest.raises(ValidationError) as caught:
        services.site_recertify(actor=comms_user, site=site, reason="yearly")
    assert "re-confirmed" in str(caught.value.message_dict["checklist"])
    confirm_checklist(site, actor=tst_user, mandatory_only=True)
    recertified = services.site_recertify(actor=comms_user, site=site, reason="yearly")
    assert recertified.last_certified_by == comms_user
    assert recertified.last_certified_at > site.last_certified_at


def test_recertification_due_after_the_configured_period(settings):
    settings.SITES_RECERTIFY_AFTER_MONTHS = 12
    fresh = SiteFactory(state=Site.State.APPROVED)
    stale = SiteFactory(state=Site.State.APPROVED, last_certified_at=timezone.now() - timedelta(days=370))
    never = SiteFactory(state=Site.State.APPROVED, last_certified_at=None)
    SiteFactory(state=Site.State.SUSPENDED, last_certified_at=timezone.now() - timedelta(days=900))
    assert set(Site.objects.recertification_due()) == {stale, never}
    assert stale.is_recertification_due and not fresh.is_recertification_due
    settings.SITES_RECERTIFY_AFTER_MONTHS = 6
    stale_six = SiteFactory(state=Site.State.APPROVED, last_certified_at=timezone.now() - timedelta(days=200))
    assert stale_six in Site.objects.recertification_due()


def test_checklist_of_a_retired_site_is_closed(tst_user):
    site = SiteFactory(state=Site.State.RETIRED, checklist="open")
    with pytest.raises(services.InvalidTransition):
        services.compliance_item_confirm(actor=tst_user, item=site.compliance_items.first(), where_shown="x")


def test_update_details_rechecks_the_platform(tst_user):
    site = _request(tst_user)
    fields = dict(
        account_name="Kankakee Fire",
        handle="KankakeeFire",
        department="Fire",
        audiences=[Audience.RESIDENTS],
        authorised_posters="Chief",
        contact_information="HQ",
    )
    with pytest.raises(ValidationError) as caught:
        services.site_update_details(actor=tst_user, site=site, url="https://x.com/KankakeeFire", **fields)
    assert "url" in caught.value.message_dict
    updated = services.site_update_details(
        actor=tst_user, site=site, url="https://www.facebook.com/KankakeeFire", **fields
    )
    assert updated.account_name == "Kankakee Fire"


@pytest.mark.parametrize("state", [Site.State.APPROVED, Site.State.SUSPENDED])
def test_approved_site_keeps_its_handle_and_url(tst_user, state):
    site = SiteFactory(
        state=state,
        handle="KankakeeFire",
        url="https://www.facebook.com/KankakeeFire",
        platform=Platform.objects.get(slug="facebook"),
    )
    fields = dict(
        account_name="Kankakee Fire",
        department="Fire",
        audiences=[Audience.RESIDENTS],
        authorised_posters="Chief",
        contact_information="HQ",
    )
    with pytest.raises(ValidationError) as caught:
        services.site_update_details(
            actor=tst_user,
            site=site,
            handle="KankakeeFire2",
            url="https://www.facebook.com/KankakeeFire2",
            **fields,
        )
    assert "handle" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.site_update_details(
            actor=tst_user, site=site, handle="KankakeeFire", url="https://www.facebook.com/other", **fields
        )
    assert "url" in caught.value.message_dict
    updated = services.site_update_details(
        actor=tst_user,
        site=site,
        handle="@KankakeeFire",
        url="https://www.facebook.com/KankakeeFire",
        **fields,
    )
    assert updated.account_name == "Kankakee Fire" and updated.state == state


def test_retired_site_details_are_closed(tst_user):
    site = SiteFactory(state=Site.State.RETIRED)
    with pytest.raises(services.InvalidTransition):
        services.site_update_details(
            actor=tst_user,
            site=site,
            account_name="x",
            handle=site.handle,
            url=site.url,
            department="x",
            audiences=[Audience.RESIDENTS],
            authorised_posters="x",
            contact_information="x",
        )

"""Pages of the sites registry: who may reach each, and what they do."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sites_registry.models import ComplianceItem, Platform, PolicyDocument, Site, SiteDecision
from tests.factories import SiteFactory, sign_in_verified

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def requested_site():
    return SiteFactory(state=Site.State.REQUESTED, checklist="confirmed", last_certified_at=None)


def _get_pages(site):
    return {
        "list": (reverse("sites_registry:site-list"), {"comms", "tst", "clerk"}),
        "queue": (reverse("sites_registry:site-queue"), {"comms"}),
        "request": (reverse("sites_registry:site-request"), {"comms", "tst"}),
        "detail": (site.get_absolute_url(), {"comms", "tst", "clerk"}),
        "edit": (reverse("sites_registry:site-edit", args=[site.pk]), {"comms", "tst"}),
        "policies": (reverse("sites_registry:policy-manage"), {"comms"}),
        "publish": (reverse("sites_registry:policy-publish", args=["disclaimer"]), {"comms"}),
    }


@pytest.mark.parametrize("page", ["list", "queue", "request", "detail", "edit", "policies", "publish"])
@pytest.mark.parametrize("who", ["comms", "tst", "clerk", "nobody", "superuser"])
def test_staff_page_permission_matrix(request, client, requested_site, page, who):
    user = request.getfixturevalue(
        {
            "comms": "comms_user",
            "tst": "tst_user",
            "clerk": "clerk_user",
            "nobody": "plain_user",
            "superuser": "superuser",
        }[who]
    )
    url, allowed = _get_pages(requested_site)[page]
    sign_in_verified(client, user)
    response = client.get(url)
    expected = 200 if (who in allowed or who == "superuser") else 403
    assert response.status_code == expected


@pytest.mark.parametrize("page", ["list", "queue", "request", "detail", "policies"])
def test_anonymous_user_is_sent_to_login_from_staff_pages(client, requested_site, page):
    url, _allowed = _get_pages(requested_site)[page]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["tst_user", "clerk_user", "plain_user"])
def test_only_the_communications_office_may_post_a_decision(request, client, requested_site, who):
    sign_in_verified(client, request.getfixturevalue(who))
    url = reverse("sites_registry:site-decide", args=[requested_site.pk, "approve"])
    response = client.post(url, {"approve-reason": "ok"})
    assert response.status_code == 403
    requested_site.refresh_from_db()
    assert requested_site.state == Site.State.REQUESTED


def test_communications_office_approves_from_the_site_page(client, comms_user, requested_site):
    sign_in_verified(client, comms_user)
    page = client.get(requested_site.get_absolute_url())
    assert b"Reason to approve" in page.content and b"Reason to reject" in page.content
    url = reverse("sites_registry:site-decide", args=[requested_site.pk, "approve"])
    response = client.post(url, {"approve-reason": "All disclosures shown"})
    assert response.status_code == 302
    requested_site.refresh_from_db()
    assert requested_site.state == Site.State.APPROVED
    decision = SiteDecision.objects.get(site=requested_site)
    assert decision.decided_by == comms_user and decision.reason == "All disclosures shown"
    page = client.get(requested_site.get_absolute_url())
    assert b"All disclosures shown" in page.content


def test_deciding_a_site_not_in_a_decidable_state_is_403_and_changes_nothing(client, comms_user):
    site = SiteFactory(state=Site.State.REJECTED, checklist="confirmed")
    sign_in_verified(client, comms_user)
    response = client.post(
        reverse("sites_registry:site-decide", args=[site.pk, "approve"]), {"approve-reason": "try"}
    )
    assert response.status_code == 403
    site.refresh_from_db()
    assert site.state == Site.State.REJECTED
    assert not SiteDecision.objects.filter(site=site).exists()


def test_decision_without_reason_is_shown_next_to_the_field(client, comms_user, requested_site):
    sign_in_verified(client, comms_user)
    response = client.post(
        reverse("sites_registry:site-decide", args=[requested_site.pk, "reject"]), {"reject-reason": ""}
    )
    assert response.status_code == 400
    assert b"usa-error-message" in response.content
    requested_site.refresh_from_db()
    assert requested_site.state == Site.State.REQUESTED


def test_approval_with_an_open_mandatory_item_shows_the_checklist_error(client, comms_user):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="open", last_certified_at=None)
    sign_in_verified(client, comms_user)
    response = client.post(
        reverse("sites_registry:site-decide", args=[site.pk, "approve"]), {"approve-reason": "ok"}
    )
    assert response.status_code == 400
    assert b"checklist-error" in response.content
    site.refresh_from_db()
    assert site.state == Site.State.REQUESTED


def test_tst_requests_a_site_and_keeps_its_checklist(client, tst_user):
    sign_in_verified(client, tst_user)
    response = client.post(
        reverse("sites_registry:site-request"),
        {
            "platform": Platform.objects.get(slug="instagram").pk,
            "account_name": "Kankakee Library",
            "handle": "@kankakeelibrary",
            "url": "https://www.instagram.com/kankakeelibrary/",
            "department": "Library",
            "audiences": ["residents", "youth"],
            "authorised_posters": "Librarian",
            "contact_information": "Library desk",
        },
    )
    site = Site.objects.get(handle="kankakeelibrary")
    assert response.status_code == 302 and response["Location"] == site.get_absolute_url()
    item = site.compliance_items.get(kind=ComplianceItem.Kind.OFFICIAL_WEBSITE)
    url = reverse("sites_registry:checklist-item", args=[site.pk, item.pk, "not-possible"])
    response = client.post(url, {f"item{item.pk}-not-possible-reason": "Instagram allows one link"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ComplianceItem.Status.NOT_POSSIBLE and item.checked_by == tst_user
    mandatory = site.compliance_items.get(kind=ComplianceItem.Kind.DISCLAIMER)
    url = reverse("sites_registry:checklist-item", args=[site.pk, mandatory.pk, "not-possible"])
    response = client.post(url, {f"item{mandatory.pk}-not-possible-reason": "no room"})
    assert response.status_code == 400
    assert b"cannot be marked not possible" in response.content


def test_request_with_a_url_on_another_platform_is_refused_naming_the_field(client, tst_user):
    sign_in_verified(client, tst_user)
    response = client.post(
        reverse("sites_registry:site-request"),
        {
            "platform": Platform.objects.get(slug="facebook").pk,
            "account_name": "Fake",
            "handle": "kankakee",
            "url": "https://evil.example/kankakee",
            "department": "X",
            "audiences": ["residents"],
            "authorised_posters": "A",
            "contact_information": "B",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"]
    assert not Site.objects.filter(account_name="Fake").exists()


def test_clerk_sees_the_site_but_no_decision_or_checklist_forms(client, clerk_user, requested_site):
    sign_in_verified(client, clerk_user)
    response = client.get(requested_site.get_absolute_url())
    assert response.status_code == 200
    assert b"Reason to approve" not in response.content
    assert b"Confirm again" not in response.content
    item = requested_site.compliance_items.first()
    url = reverse("sites_registry:checklist-item", args=[requested_site.pk, item.pk, "reopen"])
    assert client.post(url, {f"item{item.pk}-reopen-reason": "x"}).status_code == 403


def test_policy_amendment_from_the_portal(client, comms_user):
    sign_in_verified(client, comms_user)
    response = client.post(
        reverse("sites_registry:policy-publish", args=["privacy-policy"]),
        {"text": "Amended privacy policy.", "change_summary": "Plain language"},
    )
    assert response.status_code == 302
    current = PolicyDocument.objects.in_effect("privacy-policy")
    assert current.version == 2 and current.published_by == comms_user
    public = client.get(reverse("sites_registry:policy-current", args=["privacy-policy"]))
    assert b"Amended privacy policy." in public.content
    assert reverse("sites_registry:policy-version", args=["privacy-policy", 1]).encode() in public.content


# --- Public pages ------------------------------------------------------------------------


def test_directory_lists_approved_sites_and_retired_ones_separately(client):
    approved = SiteFactory(state=Site.State.APPROVED, account_name="Approved Account")
    retired = SiteFactory(state=Site.State.RETIRED, account_name="Retired Account")
    SiteFactory(state=Site.State.REQUESTED, account_name="Requested Account")
    SiteFactory(state=Site.State.SUSPENDED, account_name="Suspended Account")
    SiteFactory(state=Site.State.REJECTED, account_name="Rejected Account")
    response = client.get(reverse("sites_registry:directory"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["official"]] == [approved.pk]
    assert [s.pk for s in response.context["retired"]] == [retired.pk]
    body = response.content.decode()
    for hidden in ("Requested Account", "Suspended Account", "Rejected Account"):
        assert hidden not in body


def test_directory_json_for_other_city_systems(client):
    site = SiteFactory(state=Site.State.APPROVED, account_name=HOSTILE)
    SiteFactory(state=Site.State.REQUESTED)
    response = client.get(reverse("sites_registry:directory-json"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert b"<script>" not in response.content
    data = json.loads(response.content)
    assert [entry["handle"] for entry in data["official"]] == [site.handle]
    assert data["official"][0]["account_name"] == HOSTILE
    assert set(data["official"][0]) == {
        "platform",
        "platform_slug",
        "account_name",
        "handle",
        "url",
        "department",
        "state",
    }


def test_directory_escapes_hostile_text(client):
    SiteFactory(state=Site.State.APPROVED, account_name=HOSTILE)
    body = client.get(reverse("sites_registry:directory")).content.decode()
    assert HOSTILE not in body and "&lt;script&gt;" in body


def test_directory_query_count_does_not_grow_with_sites(client, django_assert_max_num_queries):
    SiteFactory.create_batch(30, state=Site.State.APPROVED)
    with django_assert_max_num_queries(3):
        client.get(reverse("sites_registry:directory"))
    with django_assert_max_num_queries(3):
        client.get(reverse("sites_registry:directory-json"))


def test_site_list_query_count_does_not_grow_with_sites(client, comms_user, django_assert_max_num_queries):
    SiteFactory.create_batch(30)
    sign_in_verified(client, comms_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("sites_registry:site-list")).status_code == 200


@pytest.mark.parametrize("kind", PolicyDocument.Kind.values)
def test_each_current_policy_is_public_with_its_effective_date(client, kind):
    response = client.get(reverse("sites_registry:policy-current", args=[kind]))
    assert response.status_code == 200
    assert b"in effect since Dec. 2, 2019" in response.content


def test_disclaimer_page_shows_the_ordinance_disclaimer(client):
    response = client.get(reverse("sites_registry:disclaimer"))
    assert response.status_code == 200
    assert b"THIS WEBSITE IS MADE AVAILABLE FOR GENERAL REFERENCE ONLY" in response.content


def test_earlier_version_stays_readable_and_says_it_is_superseded(client, comms_user):
    from sites_registry.services import policy_publish

    policy_publish(actor=comms_user, kind="disclaimer", text="New disclaimer.", change_summary="Shorter")
    old = client.get(reverse("sites_registry:policy-version", args=["disclaimer", 1]))
    assert old.status_code == 200
    assert b"THIS WEBSITE IS MADE AVAILABLE" in old.content
    assert b"no longer the version in effect" in old.content
    current = client.get(reverse("sites_registry:disclaimer"))
    assert b"New disclaimer." in current.content and b"THIS WEBSITE" not in current.content


def test_unknown_policy_or_version_is_404(client):
    assert client.get(reverse("sites_registry:policy-current", args=["nothing"])).status_code == 404
    assert client.get(reverse("sites_registry:policy-version", args=["disclaimer", 99])).status_code == 404


def test_policy_list_and_footer_link_every_policy(client):
    response = client.get(reverse("sites_registry:policy-list"))
    body = response.content.decode()
    for kind in PolicyDocument.Kind.values:
        expected = "/disclaimer/" if kind == "disclaimer" else f"/policies/{kind}/"
        assert f'href="{expected}"' in body
    assert 'href="/directory/"' in body


def test_public_home_lists_official_accounts_and_policies(client):
    SiteFactory(state=Site.State.APPROVED, account_name="Home Listed Account")
    SiteFactory(state=Site.State.REQUESTED, account_name="Home Hidden Account")
    body = client.get(reverse("public-home")).content.decode()
    assert "Home Listed Account" in body and "Home Hidden Account" not in body
    assert 'href="/policies/comment-policy/"' in body


# --- Home panel --------------------------------------------------------------------------


def test_communications_home_shows_requests_and_recertifications_due(client, comms_user, settings):
    settings.SITES_RECERTIFY_AFTER_MONTHS = 12
    SiteFactory(state=Site.State.REQUESTED, account_name="Waiting Request")
    SiteFactory(
        state=Site.State.APPROVED,
        account_name="Stale Site",
        last_certified_at=timezone.now() - timedelta(days=400),
    )
    SiteFactory(state=Site.State.APPROVED, account_name="Fresh Site")
    sign_in_verified(client, comms_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert "Site requests awaiting your decision" in body
    assert "Waiting Request" in body and "Stale Site" in body and "Fresh Site" not in body


def test_tst_home_names_the_communications_office(client, tst_user):
    sign_in_verified(client, tst_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert "Site requests awaiting the Communications Office" in body


def test_staff_navigation_by_role(client, comms_user, clerk_user):
    sign_in_verified(client, clerk_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert reverse("sites_registry:site-list") in body
    assert reverse("sites_registry:site-queue") not in body
    sign_in_verified(client, comms_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert reverse("sites_registry:site-queue") in body and reverse("sites_registry:policy-manage") in body


def test_edit_of_an_approved_site_cannot_swap_the_account(client, tst_user):
    site = SiteFactory(state=Site.State.APPROVED, department="Old department")
    sign_in_verified(client, tst_user)
    response = client.post(
        reverse("sites_registry:site-edit", args=[site.pk]),
        {
            "account_name": site.account_name,
            "handle": "someoneelse",
            "url": f"https://{site.platform.domains[0]}/someoneelse",
            "department": "New department",
            "audiences": ["residents"],
            "authorised_posters": "A",
            "contact_information": "B",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.department == "New department"
    assert site.handle != "someoneelse" and "someoneelse" not in site.url


def test_retired_site_cannot_be_edited(client, tst_user):
    site = SiteFactory(state=Site.State.RETIRED)
    sign_in_verified(client, tst_user)
    assert client.get(reverse("sites_registry:site-edit", args=[site.pk])).status_code == 403


def test_queue_shows_requests_with_their_open_required_disclosures(client, comms_user, tst_user):
    from sites_registry.services import compliance_item_confirm

    ready = SiteFactory(state=Site.State.REQUESTED, checklist="confirmed", account_name="Ready Request")
    waiting = SiteFactory(state=Site.State.REQUESTED, checklist="open", account_name="Waiting Request")
    compliance_item_confirm(actor=tst_user, item=waiting.compliance_items.first(), where_shown="bio")
    sign_in_verified(client, comms_user)
    response = client.get(reverse("sites_registry:site-queue"))
    counts = {site.account_name: site.open_mandatory for site in response.context["requested"]}
    assert counts == {"Ready Request": 0, "Waiting Request": 9}
    assert ready.get_absolute_url() in response.content.decode()


def test_clerk_is_not_offered_a_site_request_link(client_as, clerk_user, tst_user):
    from django.urls import reverse

    request_url = reverse("sites_registry:site-request")
    assert request_url not in client_as(clerk_user).get(reverse("sites_registry:site-list")).content.decode()
    assert request_url in client_as(tst_user).get(reverse("sites_registry:site-list")).content.decode()

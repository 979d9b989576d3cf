"""Separation of duties on site approval: whoever requested a site or confirmed its required
disclosures does not approve it, unless the setting relaxes the rule, which the decision records."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sites_registry import services
from sites_registry.models import ComplianceItem, Site, SiteDecision
from tests.factories import sign_in_verified
from tests.sites_registry.test_services import _request

pytestmark = pytest.mark.django_db


def _confirm_all(site, actor):
    for item in site.compliance_items.exclude(kind__in=ComplianceItem.WHERE_POSSIBLE):
        services.compliance_item_confirm(actor=actor, item=item, where_shown="https://facebook.com/x/about")


def test_the_requester_cannot_approve(comms_user, tst_user):
    site = _request(comms_user)
    _confirm_all(site, tst_user)
    with pytest.raises(ValidationError, match="requested this site"):
        services.site_approve(actor=comms_user, site=site, reason="ok")
    site.refresh_from_db()
    assert site.state == Site.State.REQUESTED


def test_whoever_confirmed_the_disclosures_cannot_approve(comms_user, tst_user, superuser):
    site = _request(tst_user)
    _confirm_all(site, superuser)
    with pytest.raises(ValidationError, match="confirmed its required disclosures"):
        services.site_approve(actor=superuser, site=site, reason="ok")
    assert services.site_approve(actor=comms_user, site=site, reason="ok").state == Site.State.APPROVED
    assert SiteDecision.objects.get(site=site).separation_of_duties_relaxed is False


def test_relaxed_for_a_one_person_office_and_the_decision_says_so(settings, comms_user):
    settings.SITE_APPROVAL_SEPARATION_OF_DUTIES = False
    site = _request(comms_user)
    _confirm_all(site, comms_user)
    assert (
        services.site_approve(actor=comms_user, site=site, reason="only one of us").state
        == Site.State.APPROVED
    )
    decision = SiteDecision.objects.get(site=site)
    assert decision.separation_of_duties_relaxed is True
    assert decision.history.first().separation_of_duties_relaxed is True


def test_relaxed_setting_marks_nothing_when_another_person_approves(settings, comms_user, tst_user):
    settings.SITE_APPROVAL_SEPARATION_OF_DUTIES = False
    site = _request(tst_user)
    _confirm_all(site, tst_user)
    services.site_approve(actor=comms_user, site=site, reason="ok")
    assert SiteDecision.objects.get(site=site).separation_of_duties_relaxed is False


def test_the_page_says_why_the_approval_was_refused(client, comms_user, tst_user):
    site = _request(comms_user)
    _confirm_all(site, tst_user)
    sign_in_verified(client, comms_user)
    url = reverse("sites_registry:site-decide", args=[site.pk, "approve"])
    response = client.post(url, {"approve-reason": "All shown"})
    assert response.status_code == 400  # the page again, with the refusal on the form
    text = response.content.decode()
    assert "another person of the Communications Office must approve it" in text
    site.refresh_from_db()
    assert site.state == Site.State.REQUESTED

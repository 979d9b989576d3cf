"""The site page's forms: the decision first with its error summary, the checklist saved as one
form, and one row confirmed in place (htmx) or as a plain post."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sites_registry.models import ComplianceItem, Site
from tests.factories import SiteFactory, sign_in_verified

pytestmark = pytest.mark.django_db


def test_decision_form_comes_before_the_checklist_and_its_error_is_summarised(client, comms_user):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="confirmed")
    sign_in_verified(client, comms_user)
    body = client.get(reverse("sites_registry:site-detail", args=[site.pk])).content.decode()
    assert body.index('id="decide-heading"') < body.index('id="checklist-heading"')
    response = client.post(
        reverse("sites_registry:site-decide", args=[site.pk, "approve"]), {"approve-reason": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    summary = body.index("Please correct these fields")
    assert summary < body.index('id="checklist-heading"')
    assert 'href="#id_approve-reason"' in body


def test_whole_checklist_is_saved_in_one_post(client, tst_user):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="open")
    items = list(site.compliance_items.order_by("pk"))
    sign_in_verified(client, tst_user)
    data = {f"item{items[0].pk}-confirm-where_shown": "https://example.org/about"}
    data[f"item{items[1].pk}-confirm-where_shown"] = "Screenshot 2026-11-30"
    response = client.post(reverse("sites_registry:checklist-save", args=[site.pk]), data)
    assert response.status_code == 302
    statuses = dict(site.compliance_items.values_list("pk", "status"))
    assert statuses[items[0].pk] == statuses[items[1].pk] == ComplianceItem.Status.CONFIRMED
    assert statuses[items[2].pk] == ComplianceItem.Status.OPEN
    assert client.get(response["Location"]).content.decode().count("Checklist saved: 2 confirmed") == 1


def test_checklist_with_one_bad_row_saves_nothing_and_links_the_field(client, tst_user):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="open")
    first, second = site.compliance_items.order_by("pk")[:2]
    sign_in_verified(client, tst_user)
    response = client.post(
        reverse("sites_registry:checklist-save", args=[site.pk]),
        {
            f"item{first.pk}-confirm-where_shown": "https://example.org/about",
            f"item{second.pk}-confirm-where_shown": "x" * 600,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#id_item{second.pk}-confirm-where_shown"' in body
    assert not site.compliance_items.filter(status=ComplianceItem.Status.CONFIRMED).exists()


@pytest.mark.parametrize("in_place", [True, False])
def test_one_row_is_confirmed_in_place_or_by_a_plain_post(client, tst_user, in_place):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="open")
    item = site.compliance_items.order_by("pk").first()
    sign_in_verified(client, tst_user)
    url = reverse("sites_registry:checklist-item", args=[site.pk, item.pk, "confirm"])
    headers = {"HX-Request": "true"} if in_place else {}
    response = client.post(
        url, {f"item{item.pk}-confirm-where_shown": "https://example.org/about"}, headers=headers
    )
    item.refresh_from_db()
    assert item.status == ComplianceItem.Status.CONFIRMED and item.checked_by == tst_user
    if in_place:
        body = response.content.decode()
        assert response.status_code == 200
        assert f'<tr id="item-{item.pk}">' in body and "<html" not in body
        assert 'id="portal-messages"' in body and 'hx-swap-oob="true"' in body
        assert f'id="item-{item.pk}-status" tabindex="-1" autofocus' in body
    else:
        assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")


def test_a_refused_row_in_place_keeps_the_focus_on_its_field(client, tst_user):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="open")
    item = site.compliance_items.order_by("pk").first()
    sign_in_verified(client, tst_user)
    url = reverse("sites_registry:checklist-item", args=[site.pk, item.pk, "confirm"])
    response = client.post(url, {f"item{item.pk}-confirm-where_shown": ""}, headers={"HX-Request": "true"})
    body = response.content.decode()
    field = re.search(rf'<input [^>]*id="id_item{item.pk}-confirm-where_shown"[^>]*>', body).group(0)
    assert "usa-error-message" in body and "autofocus" in field and 'aria-invalid="true"' in field
    item.refresh_from_db()
    assert item.status == ComplianceItem.Status.OPEN

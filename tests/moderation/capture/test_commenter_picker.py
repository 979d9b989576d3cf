"""The commenter picker: its JSON source (bounded, labelled so that namesakes differ), the select
that lists only the chosen commenters, and the no-JavaScript fallback by platform id."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from moderation.capture.selectors import COMMENTER_MATCHES_MAX
from records.models import LegalHold
from tests.factories import CommenterFactory, CommentFactory, site_on

pytestmark = pytest.mark.django_db


def test_source_tells_namesakes_apart_by_platform_handle_and_detail(client_as, clerk_user):
    site = site_on("facebook")
    first = CommenterFactory(platform=site.platform, display_name="Resident 1", platform_user_id="111")
    second = CommenterFactory(
        platform=site.platform,
        display_name="Resident 1",
        platform_user_id="222",
        profile_url="https://www.facebook.com/resident.one",
    )
    CommentFactory.create_batch(2, site=site, author=first)
    response = client_as(clerk_user).get(reverse("moderation:commenter-search"), {"q": "resident"})
    labels = {row["value"]: row["label"] for row in response.json()["results"]}
    assert labels[str(first.pk)].startswith("Facebook: Resident 1 (id 111) · first seen ")
    assert labels[str(first.pk)].endswith("· 2 items")
    assert labels[str(second.pk)] == "Facebook: Resident 1 (@resident.one) · 0 items"
    assert list(labels)[0] == str(first.pk)  # most items first


def test_source_is_bounded_and_needs_two_characters(client_as, tst_user):
    platform = site_on("x").platform
    CommenterFactory.create_batch(COMMENTER_MATCHES_MAX + 5, platform=platform, display_name="Same Name")
    client = client_as(tst_user)
    assert len(client.get(reverse("moderation:commenter-search"), {"q": "same"}).json()["results"]) == (
        COMMENTER_MATCHES_MAX
    )
    assert client.get(reverse("moderation:commenter-search"), {"q": "s"}).json()["results"] == []


def test_forms_list_only_the_chosen_commenters(client_as, clerk_user):
    platform = site_on("facebook").platform
    CommenterFactory.create_batch(30, platform=platform)
    body = client_as(clerk_user).get(reverse("records:foia-create")).content.decode()
    select = re.search(r'<select name="commenters".*?</select>', body, re.S).group(0)
    assert "<option" not in select
    assert 'data-picker="remote"' in select and reverse("moderation:commenter-search") in select
    assert 'name="commenters__add"' in body  # the fallback without JavaScript


def test_hold_form_takes_commenters_by_picker_or_by_platform_id(client_as, clerk_user):
    platform = site_on("facebook").platform
    picked = CommenterFactory(platform=platform)
    typed = CommenterFactory(platform=platform, platform_user_id="typed-77")
    response = client_as(clerk_user).post(
        reverse("records:hold-place"),
        {
            "name": "Doe",
            "kind": "litigation",
            "reason": "r",
            "commenters": [str(picked.pk)],
            "commenters__add": "typed-77\n",
            "place": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    scope = LegalHold.objects.get().scopes.get()
    assert set(scope.commenter_ids) == {picked.pk, typed.pk}


def test_hold_form_sites_are_one_picker_not_a_column_of_checkboxes(client_as, clerk_user):
    site_on("facebook")
    body = client_as(clerk_user).get(reverse("records:hold-place")).content.decode()
    assert re.search(r'<select name="sites"[^>]*data-picker="local"', body)
    assert 'type="checkbox" name="sites"' not in body

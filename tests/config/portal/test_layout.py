"""The staff layout: grouped navigation by role, page titles, the official-site banner and the
header's search, which finds only what the user's roles may see."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from config.portal.portal_apps import NAV_GROUPS, NavItem, nav_groups
from tests.factories import (
    CommenterFactory,
    CommentFactory,
    FoiaRequestFactory,
    LegalHoldFactory,
    SiteFactory,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db


def _menus(body: str) -> list[str]:
    wide = body.split('portal-nav--wide"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<summary class="portal-nav__link[^"]*">([^<]+)</summary>', wide)


@pytest.mark.parametrize(
    "user_fixture, menus",
    [
        ("tst_user", ["Sites", "Moderation"]),
        ("comms_user", ["Sites", "Moderation"]),
        ("clerk_user", ["Sites", "Moderation", "Records"]),
        ("superuser", ["Sites", "Moderation", "Records", "Admin"]),
    ],
)
def test_each_role_gets_its_menus_in_one_order(client, request, user_fixture, menus):
    sign_in_verified(client, request.getfixturevalue(user_fixture))
    body = client.get(reverse("portal:home")).content.decode()
    assert _menus(body) == menus
    # The phone drawer holds the same menus.
    assert body.count('<details class="portal-nav__fold"') == len(menus)


def test_current_page_is_marked_in_its_menu_only(client, clerk_user):
    sign_in_verified(client, clerk_user)
    body = client.get(reverse("records:hold-list")).content.decode()
    wide = body.split('portal-nav--wide"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'<summary class="portal-nav__link is-current">Records</summary>', wide)
    assert f'href="{reverse("records:hold-list")}" class="is-current" aria-current="page"' in wide
    assert wide.count('aria-current="page"') == 1


def test_a_nav_entry_in_no_menu_is_refused(monkeypatch, tst_user):
    monkeypatch.setattr(
        "config.portal.portal_apps.nav_items", lambda user: [NavItem("Stray", "/x/", "Elsewhere")]
    )
    with pytest.raises(ValueError, match="Elsewhere"):
        nav_groups(tst_user)
    assert NAV_GROUPS == ("Sites", "Moderation", "Records", "Admin")


@pytest.mark.parametrize(
    "name", ["portal:home", "sites_registry:site-list", "public-home", "sites_registry:directory"]
)
def test_page_title_names_the_page_then_the_portal(client, superuser, name):
    sign_in_verified(client, superuser)
    body = client.get(reverse(name)).content.decode()
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip()
    page, _, rest = title.partition(" · ")
    assert page and rest == "City of Kankakee Social Media Portal", title


def test_official_banner_and_favicon_on_every_page(client):
    body = client.get(reverse("public-home")).content.decode()
    assert "An official website of the City of Kankakee" in body
    assert "Official websites use citykankakee-il.gov" in body
    assert 'rel="icon"' in body and "favicon.svg" in body


def test_people_are_named_by_full_name(client, clerk_user):
    clerk_user.first_name, clerk_user.last_name = "Clara", "Clerk"
    clerk_user.save()
    sign_in_verified(client, clerk_user)
    hold = LegalHoldFactory(placed_by=clerk_user)
    body = client.get(reverse("records:hold-detail", args=[hold.pk])).content.decode()
    assert "by Clara Clerk" in body
    assert "by clerk<" not in body and "by clerk " not in body


def test_header_search_finds_items_commenters_and_sites(client, tst_user):
    site = SiteFactory(account_name="Kankakee Parks")
    commenter = CommenterFactory(platform=site.platform, display_name="Zebulon Quist")
    CommentFactory(site=site, author=commenter, text="The zamboni broke again")
    sign_in_verified(client, tst_user)
    body = client.get(reverse("portal:search"), {"q": "Zebulon"}).content.decode()
    assert "Zebulon Quist" in body and "1 item" in body
    body = client.get(reverse("portal:search"), {"q": "zamboni"}).content.decode()
    assert "The zamboni broke again" in body
    body = client.get(reverse("portal:search"), {"q": "Parks"}).content.decode()
    assert reverse("sites_registry:site-detail", args=[site.pk]) in body


@pytest.mark.parametrize(
    "user_fixture, sees", [("tst_user", False), ("comms_user", False), ("clerk_user", True)]
)
def test_header_search_shows_foia_and_holds_to_the_clerk_only(client, request, user_fixture, sees):
    foia = FoiaRequestFactory(requester__name="Quentin Requester")
    hold = LegalHoldFactory(name="Quentin matter", reference="CASE-77")
    sign_in_verified(client, request.getfixturevalue(user_fixture))
    body = client.get(reverse("portal:search"), {"q": foia.reference}).content.decode()
    assert (foia.get_absolute_url() in body) is sees
    body = client.get(reverse("portal:search"), {"q": "CASE-77"}).content.decode()
    assert (hold.get_absolute_url() in body) is sees
    body = client.get(reverse("portal:search"), {"q": "Quentin"}).content.decode()
    assert ("Quentin Requester" in body) is sees


def test_header_search_refuses_an_overlong_query(client, tst_user):
    sign_in_verified(client, tst_user)
    body = client.get(reverse("portal:search"), {"q": "x" * 500}).content.decode()
    assert "at most 200 are searched" in body

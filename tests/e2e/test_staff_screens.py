"""Each role's daily screens in Chromium at a laptop's width (1366x900) and a phone's (375x812):
nothing wider than the window, a header of bounded height, and axe clean.

With SCREENSHOT_DIR set (``make screenshots``), each screen is also saved there as a PNG.
ORM calls stay outside the browser block (Playwright's sync API runs in a greenlet).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from config.portal import roles
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import (
    TEST_PASSWORD,
    CommenterFactory,
    CommentFactory,
    FoiaRequestFactory,
    LegalHoldFactory,
    SiteFactory,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 900), "phone": (375, 812)}
# The header (official-site banner, title, search, menus) may take this much of the window.
HEADER_MAX_HEIGHT = {"laptop": 190, "phone": 260}


def _screens_data():
    site = SiteFactory(account_name="Kankakee Public Works")
    commenters = [
        CommenterFactory(platform=site.platform, display_name="Resident 1", platform_user_id=f"10{n}")
        for n in range(3)
    ]
    comments = [
        CommentFactory(
            site=site,
            author=commenters[n % 3],
            text="A pothole, and a very long URL https://example.org/" + "a" * 120 + f" number {n}",
        )
        for n in range(4)
    ]
    foia = FoiaRequestFactory(requester__name="Alex Requester", sites=[site])
    hold = LegalHoldFactory(name="Doe v. City", reference="CASE-2026-17")
    people = {
        "tst": (roles.TECHNICAL_SERVICES, "Taylor", "Tech"),
        "comms": (roles.COMMUNICATIONS_OFFICE, "Casey", "Communications"),
        "clerk": (roles.CITY_CLERK, "Clara", "Clerk"),
        "admin": ("admin", "Ada", "Admin"),
    }
    users = {
        key: make_user(role, username=f"{key}-screens", first_name=first, last_name=last)
        for key, (role, first, last) in people.items()
    }
    screens = {
        "tst": [
            ("home", reverse("portal:home")),
            ("queue", reverse("moderation:queue")),
            ("removal-form", reverse("moderation:comment-remove", args=[comments[0].pk])),
            ("site", reverse("sites_registry:site-detail", args=[site.pk])),
        ],
        "comms": [
            ("home", reverse("portal:home")),
            ("site", reverse("sites_registry:site-detail", args=[site.pk])),
            ("reports", reverse("moderation:report-list")),
        ],
        "clerk": [
            ("home", reverse("portal:home")),
            ("foia-request", reverse("records:foia-detail", args=[foia.pk])),
            ("hold-form", reverse("records:hold-place")),
            ("hold", reverse("records:hold-detail", args=[hold.pk])),
            ("search", reverse("portal:search") + "?q=Resident"),
        ],
        "admin": [("home", reverse("portal:home"))],
    }
    return users, screens


def _check_screen(page, what: str, width_name: str) -> list[str]:
    problems = []
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if overflow[0] > overflow[1]:
        problems.append(f"{what}: {overflow[0]}px wide in a {overflow[1]}px window")
    header = page.evaluate(
        "() => document.querySelector('.usa-banner').offsetHeight"
        " + document.querySelector('.portal-header').offsetHeight"
    )
    if header > HEADER_MAX_HEIGHT[width_name]:
        problems.append(f"{what}: header {header}px high (at most {HEADER_MAX_HEIGHT[width_name]})")
    problems.extend(f"{what}: {p}" for p in serious_accessibility_violations(page))
    return problems


def test_each_role_screens_fit_laptop_and_phone_and_pass_axe(live_server, chromium):
    users, screens = _screens_data()
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    problems = []
    with browser_page(chromium) as page:
        for role, user in users.items():
            sign_in(page, live_server.url, user.username, TEST_PASSWORD)
            for width_name, (width, height) in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                for name, path in screens[role]:
                    page.goto(live_server.url + path)
                    page.wait_for_load_state("load")
                    what = f"{role} {name} at {width}px"
                    problems.extend(_check_screen(page, what, width_name))
                    if shots:
                        page.screenshot(path=str(Path(shots) / f"{role}-{name}-{width}.png"), full_page=True)
            page.context.clear_cookies()
    assert not problems, "\n".join(problems)


def test_menus_open_without_javascript_and_the_phone_menu_folds(live_server, chromium):
    users, _screens = _screens_data()
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, users["admin"].username, TEST_PASSWORD)
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(live_server.url + reverse("portal:home"))
        wide = page.locator(".portal-nav--wide")
        assert wide.is_visible() and not page.locator(".portal-nav--narrow").is_visible()
        wide.locator("summary", has_text="Records").click()
        assert wide.get_by_role("link", name="Legal holds").is_visible()
        wide.locator("summary", has_text="Sites").click()  # opening one menu closes the other
        assert not wide.get_by_role("link", name="Legal holds").is_visible()
        assert wide.get_by_role("link", name="Site queue").is_visible()
        page.keyboard.press("Escape")
        assert not wide.get_by_role("link", name="Site queue").is_visible()
        # Every menu on one line at 1024px: the bar is one row high.
        assert page.evaluate("() => document.querySelector('.portal-nav__bar').offsetHeight") < 60

        page.set_viewport_size({"width": 375, "height": 812})
        narrow = page.locator(".portal-nav--narrow")
        assert narrow.is_visible() and not wide.is_visible()
        assert not narrow.get_by_role("link", name="Legal holds").is_visible()
        narrow.locator("summary", has_text="Menu").click()
        narrow.locator("summary", has_text="Records").click()
        assert narrow.get_by_role("link", name="Legal holds").is_visible()

    # Without JavaScript the <details> menus still open.
    with browser_page(chromium) as page:
        page.context.close()
        context = page.context.browser.new_context(java_script_enabled=False)
        page = context.new_page()
        sign_in(page, live_server.url, users["clerk"].username, TEST_PASSWORD)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(live_server.url + reverse("portal:home"))
        page.locator(".portal-nav--wide summary", has_text="Records").click()
        assert page.locator(".portal-nav--wide").get_by_role("link", name="FOIA requests").is_visible()


def test_checklist_row_confirmed_in_place_keeps_the_focus_and_axe_clean(live_server, chromium):
    from sites_registry.models import ComplianceItem, Site

    tst = make_user(roles.TECHNICAL_SERVICES, username="tst-inplace")
    site = SiteFactory(state=Site.State.REQUESTED, checklist="open")
    item = site.compliance_items.order_by("pk").first()
    url = reverse("sites_registry:site-detail", args=[site.pk])
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, tst.username, TEST_PASSWORD)
        for width, height in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(live_server.url + url)
            assert page.evaluate(
                "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            ), f"site page overflows at {width}px"
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(live_server.url + url)
        page.evaluate("() => { window.notReloaded = true; }")
        page.locator(f"#id_item{item.pk}-confirm-where_shown").fill("https://example.org/about")
        page.locator(f"#item-{item.pk}").get_by_role("button", name="Confirm").click()
        page.locator("#portal-messages").get_by_text("Checklist updated").wait_for()
        assert page.evaluate("() => window.notReloaded === true")  # no full reload
        assert page.evaluate("() => document.activeElement.id") == f"item-{item.pk}-status"
        assert page.locator(f"#item-{item.pk}-status").text_content() == "Confirmed"
        problems = serious_accessibility_violations(page)
        assert not problems, "\n".join(problems)
    item.refresh_from_db()
    assert item.status == ComplianceItem.Status.CONFIRMED

"""The Clerk logs a request and builds its bundle in a real browser; every FOIA page passes axe."""

import re

import pytest

from config.portal import roles
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, CommentFactory, SiteFactory, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _accessible(page, what):
    problems = serious_accessibility_violations(page)
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_clerk_logs_a_request_and_builds_the_bundle(live_server, chromium):
    clerk = make_user(roles.CITY_CLERK, username="clerk-browser")
    site = SiteFactory(account_name="Public Works")
    CommentFactory(site=site, text="<img src=x onerror=alert(1)> pothole, call 815-555-0142")
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, clerk.username, TEST_PASSWORD)
        page.goto(live_server.url + "/portal/foia/")
        _accessible(page, "request list")
        page.get_by_role("link", name="Log a new request").click()
        _accessible(page, "new request form")
        page.get_by_label("Requester's name").fill("Pat Gazette")
        page.get_by_label("Kind of requester").select_option("news_media")
        page.get_by_label("Received on").fill("2026-11-16")
        page.get_by_label("What was asked for").fill("Pothole comments")
        # USWDS draws the box on the label and moves the input itself off screen.
        page.locator("label", has_text="Captured items").click()
        # The sites picker (tom-select): type, then choose.
        page.get_by_role("combobox", name="Sites").fill("Public")
        page.get_by_role("option", name=re.compile("Public Works")).click()
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Log the request").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_role("heading", name="Due date: Nov. 23, 2026").is_visible()
        _accessible(page, "request page")
        page.get_by_role("link", name="Redactions").click()
        page.get_by_role("button", name="Scan the responsive records for private information").click()
        page.wait_for_load_state("domcontentloaded")
        _accessible(page, "redactions page")
        page.get_by_role("button", name="Accept").first.click()
        page.wait_for_load_state("domcontentloaded")
        page.get_by_role("link", name="Back to").first.click()
        page.get_by_role("button", name="Build an export bundle").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_role("link", name="Download the bundle").is_visible()
        _accessible(page, "export page")
        page.get_by_role("link", name="Back to").first.click()
        page.get_by_role("link", name="Acknowledge").click()
        _accessible(page, "acknowledgement letter form")
        page.get_by_role("button", name="Acknowledge and record the letter").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_role("link", name="Acknowledgement").is_visible()

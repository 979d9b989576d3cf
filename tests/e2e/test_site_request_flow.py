"""A real browser: TST requests a site and keeps its checklist; the Communications Office approves it."""

import pytest
from django.db import connections

from config.portal import roles
from sites_registry.models import Site, SiteDecision
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, PlatformFactory, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page, what):
    problems = serious_accessibility_violations(page)
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_tst_requests_and_communications_office_approves(live_server, chromium):
    # An earlier transactional test may have flushed the seeded platforms: get or create it.
    PlatformFactory(slug="instagram", name="Instagram", domains=["instagram.com"])
    tst = make_user(roles.TECHNICAL_SERVICES, username="tst-e2e")
    comms = make_user(roles.COMMUNICATIONS_OFFICE, username="comms-e2e")
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, tst.username, TEST_PASSWORD)
        page.goto(f"{live_server.url}/portal/sites/request/")
        _assert_accessible(page, "request form")
        page.get_by_label("Platform").select_option(label="Instagram")
        page.get_by_label("Account name").fill("Kankakee Library")
        page.get_by_label("Handle").fill("@kankakeelibrary")
        page.get_by_label("Public URL").fill("https://www.facebook.com/kankakeelibrary")
        page.get_by_label("Owning department").fill("Library")
        # USWDS draws its own checkbox: the real input is off-screen, so click the label.
        page.locator("label.usa-checkbox__label", has_text="Residents").click()
        page.locator("label.usa-checkbox__label", has_text="Youth").click()
        page.get_by_label("City personnel authorised to post").fill("Head Librarian")
        page.get_by_label("City contact information shown on the site").fill("Library desk, 815-555-0100")
        page.get_by_role("button", name="Send the request").click()
        # The URL is on Facebook, not Instagram: refused next to the field.
        assert page.locator(".usa-error-message").filter(has_text="not Instagram").is_visible()
        page.get_by_label("Public URL").fill("https://www.instagram.com/kankakeelibrary/")
        page.get_by_role("button", name="Send the request").click()
        page.wait_for_url("**/portal/sites/*/")
        site = Site.objects.get(handle="kankakeelibrary")
        assert site.state == Site.State.REQUESTED
        _assert_accessible(page, "site page for TST")

        # The checklist is one form: every required disclosure filled in, then saved at once.
        items = list(site.compliance_items.all())
        for item in items:
            if item.is_mandatory:
                page.locator(f"#item-{item.pk}").get_by_label("Where the site shows it").fill(
                    "https://www.instagram.com/kankakeelibrary/ bio"
                )
        page.get_by_role("button", name="Save the checklist").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("Checklist saved:").is_visible()
        for item in items:
            if not item.is_mandatory:
                row = page.locator(f"#item-{item.pk}")
                row.locator("summary").click()
                row.get_by_label("Why it is not possible").fill("Instagram bios hold one link only")
                row.locator("button", has_text="Mark not possible").click()
                page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("Every required disclosure is confirmed.").is_visible()
        page.get_by_role("button", name="Sign out tst-e2e").click()
        page.wait_for_load_state("domcontentloaded")

        sign_in(page, live_server.url, comms.username, TEST_PASSWORD)
        assert page.get_by_role("heading", name="Site requests awaiting your decision").is_visible()
        page.get_by_role("link", name="Kankakee Library on Instagram").click()
        page.wait_for_url(f"**{site.get_absolute_url()}")
        _assert_accessible(page, "site page for the Communications Office")
        page.get_by_label("Reason to approve").fill("Every Sec. IV disclosure is in the bio and pinned post.")
        page.get_by_role("button", name="Approve", exact=True).click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("Kankakee Library was approved.").is_visible()

        site.refresh_from_db()
        assert site.state == Site.State.APPROVED
        decision = SiteDecision.objects.get(site=site)
        assert decision.decided_by == comms and decision.action == SiteDecision.Action.APPROVE

        page.goto(f"{live_server.url}/directory/")
        assert page.get_by_role("link", name="Kankakee Library").is_visible()
        _assert_accessible(page, "public directory")
        # ORM calls made while Playwright's loop runs use their own connection; close it so the
        # test database can be dropped at the end of the run.
        connections.close_all()

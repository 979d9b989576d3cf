"""An administrator connects a site with a pasted token in a real browser; the connection and
capture health pages pass axe, and the token is gone from the page once saved."""

import pytest
from django.utils import timezone

from moderation.models import CaptureState, SiteConnection
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, make_user, site_on

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOKEN = "EAAB-browser-test-token-0123456789"


def test_an_administrator_connects_a_site_and_the_pages_are_accessible(live_server, chromium):
    admin = make_user("admin", username="admin-e2e")
    site = site_on("youtube", account_name="Kankakee Library")
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, admin.username, TEST_PASSWORD)
        page.goto(f"{live_server.url}/portal/sites/{site.pk}/")
        page.get_by_role("link", name="Connect to platform").click()
        page.wait_for_load_state("domcontentloaded")
        problems = serious_accessibility_violations(page)
        assert not problems, "connect page:\n" + "\n".join(problems)

        page.get_by_label("Platform account id").fill("UCkankakeelibrary0000001")
        page.get_by_label("Long-lived access token").fill(TOKEN)
        page.get_by_role("button", name="Connect with this token").click()
        page.wait_for_load_state("domcontentloaded")
        assert "is connected" in page.content() and TOKEN not in page.content()
        assert page.get_by_label("Long-lived access token").input_value() == ""
        connection = SiteConnection.objects.get(site=site)
        assert connection.method == "token" and connection.connected_by == admin

        CaptureState.objects.filter(connection=connection).update(
            last_error="YouTube answered HTTP 503", last_error_at=timezone.now()
        )
        page.goto(f"{live_server.url}/portal/moderation/capture/health/")
        assert page.get_by_role("button", name="Capture now Kankakee Library").is_visible()
        problems = serious_accessibility_violations(page)
        assert not problems, "capture health page:\n" + "\n".join(problems)

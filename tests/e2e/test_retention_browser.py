"""The Clerk's retention pages in a real browser: the flow works and every page passes axe."""

import datetime as dt

import pytest
from django.db import connections
from django.utils import timezone

from config.portal import roles
from records.models import DisposalCertificate, LegalHold
from records.retention.services import certificate_draft
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, CommentFactory, backdate_draft, make_user, seed_schedules
from tests.records.conftest import chicago

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clerk_places_a_hold_and_files_a_certificate(live_server, chromium):
    seed_schedules()
    clerk = make_user(roles.CITY_CLERK, username="e2e-retention-clerk")
    today = timezone.localdate()
    CommentFactory(posted_at=chicago(today.year - 4), text="pothole on Court Street")
    CommentFactory(posted_at=chicago(today.year - 4), text="thanks")
    certificate = certificate_draft(actor=clerk, as_of=today)
    backdate_draft(certificate, today - dt.timedelta(days=1))  # filed the day after it was drafted
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, clerk.username, TEST_PASSWORD)
        for path in (
            "/portal/retention/",
            "/portal/retention/schedules/",
            "/portal/retention/holds/",
            f"/portal/retention/certificates/{certificate.pk}/print/",
            "/portal/retention/certificates/",
        ):
            page.goto(live_server.url + path)
            problems = serious_accessibility_violations(page)
            assert not problems, f"{path}:\n" + "\n".join(problems)

        page.goto(live_server.url + "/portal/retention/holds/new/")
        page.get_by_label("Name").fill("Doe v. City")
        page.get_by_label("Reason").fill("Litigation pending")
        page.get_by_label("Search terms (optional)").fill("pothole")
        page.get_by_role("button", name="Preview the scope").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("Captured items: 1").is_visible()
        assert not serious_accessibility_violations(page)
        page.get_by_role("button", name="Place the hold").click()
        page.wait_for_load_state("domcontentloaded")
        assert LegalHold.objects.get().name == "Doe v. City"
        assert not serious_accessibility_violations(page)

        page.goto(live_server.url + certificate.get_absolute_url())
        filed = today - dt.timedelta(days=1)
        page.get_by_label("Date sent to the Commission").fill(filed.isoformat())
        page.get_by_label("Requested disposal date").fill((filed + dt.timedelta(days=5)).isoformat())
        page.get_by_role("button", name="Record as filed").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("at least 30 days").first.is_visible()
        problems = serious_accessibility_violations(page)
        assert not problems, "certificate page with an error:\n" + "\n".join(problems)
        page.get_by_label("Requested disposal date").fill((filed + dt.timedelta(days=30)).isoformat())
        # The hold placed above covers one listed record: filing asks the Clerk to confirm its exclusion.
        page.locator(
            "label.usa-checkbox__label",
            has_text="I confirm the 1 record now under a legal hold is excluded from this certificate",
        ).click()
        assert page.get_by_label("I confirm the 1 record now under a legal hold").is_checked()
        page.get_by_role("button", name="Record as filed").click()
        page.wait_for_load_state("domcontentloaded")
        # ORM calls made while Playwright's loop runs use their own connection; close it so the
        # test database can be dropped at the end of the run.
        connections.close_all()
    certificate.refresh_from_db()
    assert certificate.state == DisposalCertificate.State.FILED
    assert certificate.held_excluded_count == 1

"""A resident asks for records in Chromium, confirms by the e-mailed link, follows the request
and downloads the released bundle; the Clerk sees it on the clock from the confirmation day.
Every public page passes axe."""

import hashlib

import pytest
from django.core import mail
from django.db import connections

from config.portal import calendar, roles
from records.foia import services as foia_services
from records.foia.export import export_storage
from records.foia.letters import render_letter
from records.models import FoiaRequest
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, CommentFactory, SiteFactory, make_user
from tests.records.foia_public.conftest import links_in, path_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _accessible(page, what):
    problems = serious_accessibility_violations(page)
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_resident_submits_confirms_follows_and_downloads(live_server, chromium):
    clerk = make_user(roles.CITY_CLERK, username="clerk-public-browser")
    site = SiteFactory(account_name="Public Works")
    CommentFactory(site=site, text="A pothole on Court Street")
    with browser_page(chromium) as page:
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Ask for public records (FOIA)").first.click()
        page.wait_for_load_state("domcontentloaded")
        _accessible(page, "request form")
        page.get_by_label("Your name").fill("Pat Resident")
        page.get_by_label("E-mail address").fill("pat@example.org")
        page.get_by_label("The records you are asking for").fill("Comments about potholes on Public Works.")
        page.locator("label", has_text="Public Works").click()
        page.get_by_text("No", exact=True).click()
        page.get_by_role("button", name="Send my request").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_role("heading", name="Check your e-mail to confirm your request").is_visible(), (
            page.content()
        )
        _accessible(page, "sent page")
        assert not FoiaRequest.objects.exists()

        confirm_url = links_in(mail.outbox[-1], "/foia/confirm/")[0]
        page.goto(live_server.url + path_of(confirm_url))
        _accessible(page, "confirmation page")
        page.get_by_role("button", name="Confirm my request").click()
        page.wait_for_load_state("domcontentloaded")
        request = FoiaRequest.objects.get()
        assert page.get_by_role("heading", name=f"Public records request {request.reference}").is_visible()
        assert page.get_by_text("No records have been released yet").is_visible()
        _accessible(page, "status page")

        # The Clerk sets the scope, builds the bundle, fulfils and releases it.
        foia_services.foia_request_update(
            actor=clerk,
            request=request,
            received_on=request.received_on,
            channel=request.channel,
            description=request.description,
            is_commercial=False,
            sites=[site],
            commenters=[],
            date_from=None,
            date_to=None,
            search_terms="pothole",
            record_kinds=["captured-items"],
        )
        export = foia_services.foia_export_start(actor=clerk, request=request)
        export.refresh_from_db()
        assert export.state == "complete", export.error
        subject, body = render_letter("fulfilment", request, clerk=clerk)
        foia_services.foia_request_respond(
            actor=clerk, request=request, outcome="fulfilled", subject=subject, body=body
        )
        foia_services.foia_export_release(actor=clerk, export=export)
        export.refresh_from_db()

        status_url = links_in(mail.outbox[-1], "/foia/status/")[0]
        page.goto(live_server.url + path_of(status_url))
        _accessible(page, "status page with the released bundle")
        assert page.get_by_text("Dear Pat Resident").first.is_visible()
        with page.expect_download() as download_info:
            page.get_by_role("link", name=f"Download {export.download_name}").click()
        downloaded = download_info.value.path().read_bytes()
        assert hashlib.sha256(downloaded).hexdigest() == export.sha256
        with export_storage().open(export.file_name, "rb") as stored:
            assert downloaded == stored.read()
        assert export.downloads.get().requester == request.requester

        for path, what in (("/foia/new-link/", "re-send form"), ("/foia/log/", "public log")):
            page.goto(live_server.url + path)
            _accessible(page, what)

        # The Clerk sees the web request, on the clock from the day of confirmation.
        sign_in(page, live_server.url, clerk.username, TEST_PASSWORD)
        page.goto(live_server.url + "/portal/foia/")
        assert page.get_by_role("link", name=request.reference).is_visible()
        page.get_by_role("link", name=request.reference).click()
        page.wait_for_load_state("domcontentloaded")
        received = calendar.today()
        due = calendar.BusinessCalendar().add_business_days(received, 5)
        assert page.get_by_text("by City web form").is_visible()
        assert page.get_by_text(
            f"Received {received:%A %B %-d, %Y}; day one is the next business day."
        ).is_visible()
        assert page.get_by_text(f"5 business days (5 ILCS 140 §3(d)): due {due:%A %B %-d, %Y}.").is_visible()
        # The ORM calls made above, while Playwright's event loop runs, used database connections of
        # that context (asgiref's Local): close them here, or they outlive the test database.
        connections.close_all()

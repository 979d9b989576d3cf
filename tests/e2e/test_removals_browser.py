"""In a real browser: TST removes an item, the Communications Office resolves the report.

ORM calls stay outside the browser block: Playwright's sync API runs in a greenlet, and a
query there would open a database connection nobody closes. The flow starts in TST's
monitoring queue, whose rows link to the removal form (templates/moderation/_comment_actions.html).
"""

import re

import pytest
from django.core import mail

from config.portal import roles
from moderation.models import NoticeTemplate, Referral, Removal, ViolationReport
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, CommentFactory, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_violations(page, what):
    problems = serious_accessibility_violations(page)
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_tst_removes_an_item_and_the_communications_office_resolves_the_report(live_server, chromium):
    tst = make_user(roles.TECHNICAL_SERVICES, username="tst-e2e")
    comms = make_user(roles.COMMUNICATIONS_OFFICE, username="comms-e2e")
    comment = CommentFactory(text="<b>Call the inspector at home</b> 815-555-0199")
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, tst.username, TEST_PASSWORD)
        # The monitoring queue lists the new item, with its hints and a Remove action.
        page.goto(f"{live_server.url}/portal/moderation/queue/")
        row = page.locator(f"#item-{comment.pk}")
        assert row.get_by_text("<b>Call the inspector at home</b> 815-555-0199").is_visible()
        _no_violations(page, "monitoring queue")
        row.get_by_role("link", name=f"Remove item {comment.platform_item_id}").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.url.endswith(f"/portal/moderation/comments/{comment.pk}/remove/"), page.url
        assert page.get_by_text("<b>Call the inspector at home</b> 815-555-0199").is_visible()
        _no_violations(page, "removal form")

        # Refused without a category or reason, with the messages next to the fields.
        page.get_by_role("button", name="Record the removal").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("Choose at least one prohibited category of Sec. V.").is_visible()
        assert page.get_by_text("Give a content-neutral reason tied to the policy.").is_visible()
        _no_violations(page, "removal form with errors")

        # USWDS draws its own boxes; people click the labels.
        page.locator("label[for='id_categories-privacy']").click()
        assert page.get_by_role("checkbox", name="Privacy-invasive content").is_checked()
        page.locator("label", has_text="Hidden on the platform").click()
        page.get_by_label("Content-neutral reason").fill("Publishes a private home telephone number.")
        page.get_by_role("button", name="Record the removal").click()
        page.wait_for_load_state("domcontentloaded")
        assert re.search(r"/portal/moderation/removals/\d+/$", page.url), page.url
        assert page.get_by_text("SHA-256 verified").is_visible()
        _no_violations(page, "removal page")
        page.get_by_role("button", name=f"Sign out {tst.username}").click()
        page.wait_for_load_state("domcontentloaded")

        assert len(mail.outbox) == 1  # the Communications Office was told at once

        sign_in(page, live_server.url, comms.username, TEST_PASSWORD)
        assert page.get_by_role("heading", name="Reports awaiting your response").is_visible()
        page.get_by_role("link", name=re.compile(r"^Report #\d+$")).first.click()
        page.wait_for_load_state("domcontentloaded")
        _no_violations(page, "report page")
        page.get_by_role("button", name="Start investigating").click()
        page.wait_for_load_state("domcontentloaded")
        page.locator("label", has_text="Removal upheld").click()
        page.get_by_label("The Communications Office's response").fill(
            "Upheld: a private number was published."
        )
        page.get_by_role("button", name="Resolve the report").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_role("heading", name=re.compile(r"Report #\d+: Resolved")).is_visible()

    removal = Removal.objects.get()
    report = ViolationReport.objects.get()
    assert report.removal == removal and removal.category_values() == ["privacy"]
    assert report.state == "resolved" and report.outcome == "upheld"
    assert report.assignee == comms and report.resolved_by == comms


def test_transparency_report_is_public_and_accessible(live_server, chromium):
    with browser_page(chromium) as page:
        page.goto(f"{live_server.url}/transparency/")
        assert page.get_by_role("heading", name="Removals per category").is_visible()
        assert page.get_by_role("img", name="Bar chart of removals per month").is_visible()
        _no_violations(page, "transparency report")


def test_every_removal_page_passes_axe(live_server, chromium):
    """Each page of the area, with records on it, for the role that uses it."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    removal = Removal.objects.order_by("pk").first()
    report = ViolationReport.objects.order_by("pk").first()
    referral = Referral.objects.order_by("pk").first()
    template = NoticeTemplate.objects.order_by("pk").first()
    pages = {
        ("tst", "tst-demo-pass-2026"): [
            f"/portal/moderation/comments/{removal.comment_id}/report/",
            f"/portal/moderation/removals/bulk/?comment={removal.comment_id}",
            f"/portal/moderation/removals/{removal.pk}/",
            f"/portal/moderation/removals/{removal.pk}/notice/",
            "/portal/moderation/removals/",
            f"/portal/moderation/referrals/new/?removal={removal.pk}&kind=platform",
            "/portal/moderation/referrals/",
            referral.get_absolute_url(),
            f"/portal/moderation/restrictions/new/?commenter={removal.comment.author_id}",
            "/portal/moderation/notice-templates/",
            "/portal/",
        ],
        ("comms", "comms-demo-pass-2026"): [
            "/portal/moderation/reports/",
            f"/portal/moderation/reports/{report.pk}/",
            "/portal/moderation/reviews/",
            "/portal/moderation/restrictions/",
            f"/portal/moderation/notice-templates/{template.pk}/",  # the edit page
            "/portal/",
        ],
    }
    with browser_page(chromium) as page:
        for (username, password), paths in pages.items():
            sign_in(page, live_server.url, username, password)
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
                _no_violations(page, path)
            page.get_by_role("button", name=f"Sign out {username}").click()
            page.wait_for_load_state("domcontentloaded")

"""TST works the queue with the keyboard in a real browser; the capture pages pass axe."""

import pytest

from config.portal import roles
from moderation.models import Comment
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, CommentFactory, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_tst_reviews_the_queue_with_the_keyboard_and_pages_are_accessible(live_server, chromium):
    tst = make_user(roles.TECHNICAL_SERVICES, username="tst-e2e")
    first = CommentFactory(text="Call 815-555-0142 <img src=x onerror=alert(1)>", asks_for_response=True)
    second = CommentFactory(text="Second comment")
    with browser_page(chromium) as page:
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_in(page, live_server.url, tst.username, TEST_PASSWORD)
        for path in (
            "/portal/moderation/queue/",
            "/portal/moderation/comments/",
            "/portal/moderation/import/",
            first.get_absolute_url(),
        ):
            page.goto(live_server.url + path)
            problems = serious_accessibility_violations(page)
            assert not problems, f"{path}:\n" + "\n".join(problems)
        page.goto(live_server.url + "/portal/moderation/queue/")
        assert page.get_by_text("Possible personal phone number").is_visible()
        page.keyboard.press("j")
        page.keyboard.press("r")
        # In place (htmx): the row stays in its place with an undo, the message is in the status
        # region, the page is not reloaded and the focus stays on the row, so j goes on.
        page.locator("#portal-messages").get_by_text("Marked reviewed:").wait_for()
        assert page.evaluate("() => document.activeElement.id") == f"item-{first.pk}"
        assert page.locator(f"#item-{first.pk}").get_by_role("button", name="Undo").is_visible()
        page.keyboard.press("j")
        assert page.evaluate("() => document.activeElement.id") == f"item-{second.pk}"
        assert not dialogs  # the resident's markup was shown, never run
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reviewed_at is not None and second.reviewed_at is None
    assert Comment.objects.needs_review().count() == 1

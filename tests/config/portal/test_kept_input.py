"""Inline forms: what was typed comes back when the action is refused, once, and escaped."""

import pytest
from django.urls import reverse

from tests.factories import (
    AccountRestrictionFactory,
    FoiaRequestFactory,
    RedactionFactory,
    RemovalFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = 'Not my best day <script>alert("x")</script>'
ESCAPED = "Not my best day &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def _refused_then_shown_once(client, post_url, data, page_url):
    response = client.post(post_url, data, follow=True)
    assert response.redirect_chain[-1][0].split("#")[0] == page_url
    page = response.content.decode()
    assert ESCAPED in page and HOSTILE not in page
    assert ESCAPED not in client.get(page_url).content.decode()  # once, then forgotten
    return page


def test_second_review_note_comes_back_on_the_queue_and_on_the_removal(client_as, comms_user):
    removal = RemovalFactory(categories=["off_topic"], review_status="pending")
    client = client_as(comms_user)
    url = reverse("moderation:removal-review", args=[removal.pk])
    queue = reverse("moderation:review-queue")
    # No decision chosen: refused, the note is kept.
    _refused_then_shown_once(client, url, {"note": HOSTILE, "next": queue}, queue)
    _refused_then_shown_once(client, url, {"note": HOSTILE}, removal.get_absolute_url())


def test_second_review_decision_comes_back_on_the_queue(client_as, comms_user):
    removal = RemovalFactory(categories=["off_topic"], review_status="pending")
    client = client_as(comms_user)
    queue = reverse("moderation:review-queue")
    page = client.post(
        reverse("moderation:removal-review", args=[removal.pk]),
        {"decision": "reinstated", "note": "", "next": queue},
        follow=True,
    ).content.decode()
    assert 'name="decision" value="reinstated" checked' in page
    assert 'name="decision" value="upheld" checked' not in page


def test_restriction_decision_note_comes_back(client_as, comms_user):
    restriction = AccountRestrictionFactory()
    client = client_as(comms_user)
    page = _refused_then_shown_once(
        client,
        reverse("moderation:restriction-decide", args=[restriction.pk]),
        {"note": HOSTILE},  # neither Approve nor Decline chosen
        reverse("moderation:restriction-list"),
    )
    assert "Choose Approve or Decline." in page


def test_redaction_note_and_exemption_come_back(client_as, clerk_user):
    redaction = RedactionFactory(request=FoiaRequestFactory(), state="suggested", exemption="7(1)(b)")
    client = client_as(clerk_user)
    url = reverse("records:foia-redaction-decide", args=[redaction.pk])
    page_url = reverse("records:foia-redactions", args=[redaction.request_id])
    response = client.post(url, {"exemption": "7(1)(c)", "note": HOSTILE}, follow=True)  # no decision
    page = response.content.decode()
    assert ESCAPED in page and HOSTILE not in page
    assert '<option value="7(1)(c)" selected>' in page
    assert ESCAPED not in client.get(page_url, {"state": "suggested"}).content.decode()

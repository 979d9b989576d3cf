"""Redactions: each suggestion shown in its sentence, accepted or rejected in place (htmx) with a
message and an undo, or by a plain post; bulk accept confirmed first; added without a record number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from records.foia import services
from records.models import Redaction
from tests.factories import CommentFactory, FoiaRequestFactory, SiteFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
SENTENCE = "Please call my neighbour Jane at 815-555-0142 about the pothole on Court Street tonight"


@pytest.fixture
def suggested(clerk_user):
    site = SiteFactory()
    CommentFactory(site=site, text=SENTENCE)
    request = FoiaRequestFactory(sites=[site])
    services.foia_redactions_suggest(actor=clerk_user, request=request)
    return request, request.redactions.get()


def test_suggestion_is_shown_in_its_sentence(client_as, clerk_user, suggested):
    request, redaction = suggested
    body = client_as(clerk_user).get(reverse("records:foia-redactions", args=[request.pk])).content.decode()
    assert "neighbour Jane at <mark" in body and "815-555-0142</mark> about the pothole" in body


def test_accept_in_place_answers_the_row_with_a_message_and_undo(client_as, clerk_user, suggested):
    _request, redaction = suggested
    client = client_as(clerk_user)
    response = client.post(
        reverse("records:foia-redaction-decide", args=[redaction.pk]),
        {"decision": "accept", "exemption": "7(1)(c)", "note": ""},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'<tr id="redaction-{redaction.pk}">' in body and "autofocus" in body
    assert "Accepted: “815-555-0142”" in body and 'hx-swap-oob="true"' in body
    assert reverse("records:foia-redaction-undo", args=[redaction.pk]) in body
    redaction.refresh_from_db()
    assert redaction.state == Redaction.State.ACCEPTED
    response = client.post(reverse("records:foia-redaction-undo", args=[redaction.pk]), headers=HTMX)
    redaction.refresh_from_db()
    assert redaction.state == Redaction.State.SUGGESTED and redaction.decided_by is None
    assert "Suggested again" in response.content.decode()


def test_reject_as_a_plain_post_redirects_with_a_message(client_as, clerk_user, suggested):
    request, redaction = suggested
    client = client_as(clerk_user)
    response = client.post(
        reverse("records:foia-redaction-decide", args=[redaction.pk]),
        {"decision": "reject", "exemption": "7(1)(c)"},
    )
    assert response.status_code == 302
    redaction.refresh_from_db()
    assert redaction.state == Redaction.State.REJECTED
    assert "Rejected: “815-555-0142”" in client.get(response["Location"]).content.decode()


def test_bulk_accept_asks_first_then_accepts_each(client_as, clerk_user, suggested):
    request, redaction = suggested
    client = client_as(clerk_user)
    url = reverse("records:foia-redactions-accept", args=[request.pk])
    response = client.post(url, {"redaction": [redaction.pk], "exemption": "7(1)(c)"})
    assert response.status_code == 200 and "Accept 1 suggestion?" in response.content.decode()
    redaction.refresh_from_db()
    assert redaction.state == Redaction.State.SUGGESTED
    client.post(url, {"redaction": [redaction.pk], "exemption": "7(1)(c)", "confirmed": "yes"})
    redaction.refresh_from_db()
    assert redaction.state == Redaction.State.ACCEPTED and redaction.decided_by == clerk_user


def test_add_a_redaction_without_a_record_number(client_as, clerk_user, suggested):
    request, _redaction = suggested
    comment_id = CommentFactory._meta.model.objects.get().pk
    response = client_as(clerk_user).post(
        reverse("records:foia-redactions", args=[request.pk]),
        {
            "add-record_kind": "captured-items",
            "add-field": "text",
            "add-text": "Court Street",
            "add-exemption": "7(1)(c)",
            "add-note": "Home street of a private person",
        },
    )
    assert response.status_code == 302
    added = request.redactions.get(text="Court Street")
    assert added.record_id == comment_id and added.state == Redaction.State.ACCEPTED


def test_export_page_says_one_state_and_no_shell_command(
    client_as, clerk_user, suggested, django_capture_on_commit_callbacks
):
    request, _redaction = suggested
    with django_capture_on_commit_callbacks(execute=True):
        export = services.foia_export_start(actor=clerk_user, request=request)  # the task runs eagerly
    body = client_as(clerk_user).get(reverse("records:foia-export", args=[export.pk])).content.decode()
    assert "Complete:" in body and "Being built" not in body and "being built" not in body
    assert "manage.py" not in body and "verify_bundle" not in body

"""The Clerk's side: web requests in the same list marked by channel, requests logged from a
pasted e-mail with the original kept, releasing a bundle."""

import datetime as dt

import pytest
from django.core import mail

from config.portal import roles
from records.models import FoiaExport, FoiaRequest
from tests.factories import FoiaRequestFactory, make_user
from tests.records.foia_public.conftest import PAYLOAD, submit_and_confirm

pytestmark = pytest.mark.django_db

PASTED = f"""Return-Path: <jo@example.net>
From: "Jo Reporter" <jo@example.net>
To: foia@citykankakee-il.gov
Subject: FOIA request: removed comments
Date: Tue, 17 Nov 2026 18:05:00 -0600
Content-Type: text/plain; charset=utf-8

Dear Clerk,

Please send me every comment removed from the City's X account in 2026.
{PAYLOAD}
"""


@pytest.fixture
def clerk():
    return make_user(roles.CITY_CLERK, username="clerk-intake")


def test_web_requests_are_in_the_clerks_list_marked_by_channel(
    client, client_as, clerk, django_capture_on_commit_callbacks
):
    web, _ = submit_and_confirm(client, django_capture_on_commit_callbacks)
    FoiaRequestFactory(channel=FoiaRequest.Channel.MAIL)
    page = client_as(clerk).get("/portal/foia/").content.decode()
    assert web.reference in page
    assert '<span class="usa-tag">City web form</span>' in page and "<td>Mail</td>" in page
    detail = client_as(clerk).get(f"/portal/foia/{web.pk}/").content.decode()
    assert "Sent on the public form" in detail and "How the date was computed" in detail


def test_a_pasted_e_mail_fills_in_the_form_and_is_kept_with_the_request(client_as, clerk):
    staff = client_as(clerk)
    page = staff.post("/portal/foia/new/from-email/", {"message": PASTED})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Jo Reporter"' in html and 'value="jo@example.net"' in html
    assert 'value="2026-11-17"' in html  # the City day the message was sent
    assert "<script>alert(1)" not in html
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        requester_kind="news_media",
        record_kinds=["removals"],
        date_from="2026-01-01",
        date_to="2026-12-31",
        assignee=str(clerk.pk),
    )
    response = staff.post("/portal/foia/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    request = FoiaRequest.objects.get()
    assert request.channel == FoiaRequest.Channel.EMAIL
    assert request.received_on == dt.date(2026, 11, 17)
    assert request.original_email == PASTED.strip()
    assert "every comment removed" in request.description and "Subject: FOIA request" in request.description
    detail = staff.get(f"/portal/foia/{request.pk}/").content.decode()
    assert "The message as received" in detail and "<script>alert(1)" not in detail


def test_pasted_text_without_a_sender_is_refused_saying_what_is_missing(client_as, clerk):
    page = client_as(clerk).post("/portal/foia/new/from-email/", {"message": "Please send me the records."})
    assert page.status_code == 200
    assert "No sender address found" in page.content.decode()
    assert not FoiaRequest.objects.exists()


def test_release_is_refused_for_a_bundle_not_complete_and_recorded_once(
    client_as, clerk, django_capture_on_commit_callbacks
):
    request = FoiaRequestFactory()
    export = FoiaExport.objects.create(request=request, requested_by=clerk)
    staff = client_as(clerk)
    staff.post(f"/portal/foia/exports/{export.pk}/release/")
    export.refresh_from_db()
    assert export.released_at is None
    export.state, export.file_name, export.sha256 = FoiaExport.State.COMPLETE, "foia/x.zip", "0" * 64
    export.save()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/portal/foia/exports/{export.pk}/release/")
    export.refresh_from_db()
    assert export.released_at is not None and export.released_by == clerk
    assert export.history.first().history_change_reason == "Export bundle released to the requester"
    (message,) = mail.outbox
    assert "Records released" in message.subject
    page = staff.post(f"/portal/foia/exports/{export.pk}/release/", follow=True).content.decode()
    assert "already released" in page

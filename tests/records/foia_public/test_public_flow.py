"""The resident's path: the public form, the e-mail confirmation, the status page, the e-mails
at each step, the released bundle, the re-send form and the public log."""

import datetime as dt
import hashlib
import zipfile
from io import BytesIO

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from config.portal import calendar, roles
from config.portal.models import CityClosure
from records.foia import services as foia_services
from records.foia.export import export_storage
from records.foia.letters import render_letter
from records.foia_public.tasks import foia_submissions_expire
from records.models import FoiaDownload, FoiaRequest, FoiaStatusLink, FoiaSubmission
from tests.factories import CommentFactory, SiteFactory, make_user
from tests.records.foia_public.conftest import form_data, links_in, path_of, submit_and_confirm

pytestmark = pytest.mark.django_db


def test_nothing_is_logged_before_the_address_is_confirmed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/foia/request/", form_data())
    assert response.status_code == 302 and response["Location"] == "/foia/request/sent/"
    assert not FoiaRequest.objects.exists()
    submission = FoiaSubmission.objects.get()
    (message,) = mail.outbox
    assert message.to == ["pat@example.org"]
    (confirm_url,) = links_in(message, "/foia/confirm/")
    token = confirm_url.rstrip("/").rsplit("/", 1)[1]
    # Only the hash of the token is kept.
    assert submission.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(FoiaSubmission.objects.values().get())
    # Opening the link (as a mail scanner would) logs nothing; the button does.
    assert client.get(path_of(confirm_url)).status_code == 200
    assert not FoiaRequest.objects.exists()


def test_confirmation_logs_a_web_request_received_on_the_day_of_confirmation(
    client, django_capture_on_commit_callbacks
):
    site = SiteFactory()
    request, status_path = submit_and_confirm(
        client,
        django_capture_on_commit_callbacks,
        sites=[str(site.pk)],
        date_from="2026-10-01",
        date_to="2026-10-31",
    )
    assert request.channel == FoiaRequest.Channel.WEB_FORM
    assert request.received_on == calendar.today()
    assert request.due_on == calendar.BusinessCalendar().add_business_days(calendar.today(), 5)
    assert list(request.sites.all()) == [site]
    assert (request.date_from, request.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert request.requester.email == "pat@example.org" and not request.requester_name_public
    assert request.history.get().history_user.username == "system"
    assert not FoiaSubmission.objects.exists()
    # The "logged" e-mail carries the reference, the due date, how it was computed and the status link.
    logged = mail.outbox[-1]
    assert request.reference in logged.subject
    assert "How this date was computed" in logged.body
    (status_url,) = links_in(logged, "/foia/status/")
    assert path_of(status_url) == status_path
    page = client.get(status_path)
    assert page.status_code == 200
    assert request.reference in page.content.decode()
    assert "How the date was computed" in page.content.decode()
    # The confirmation link works once.
    confirm_path = path_of(links_in(mail.outbox[0], "/foia/confirm/")[0])
    assert client.post(confirm_path).status_code == 404
    assert FoiaRequest.objects.count() == 1


def test_confirmed_on_a_saturday_the_clock_starts_on_the_next_business_day(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    saturday = dt.date(2026, 11, 28)
    CityClosure.objects.create(date=dt.date(2026, 12, 2), reason="Water main repair")
    monkeypatch.setattr(calendar, "today", lambda: saturday)
    request, status_path = submit_and_confirm(client, django_capture_on_commit_callbacks)
    assert request.received_on == saturday
    # Day one is Monday Nov 30; the closure on Wednesday Dec 2 does not count: due Monday Dec 7.
    assert request.due_on == dt.date(2026, 12, 7)
    page = client.get(status_path).content.decode()
    assert "City closure: Water main repair" in page


def test_commercial_request_has_21_business_days_and_the_form_shows_the_statute(
    client, django_capture_on_commit_callbacks
):
    form_page = client.get("/foia/request/").content.decode()
    assert "5 ILCS 140/2(c-10)" in form_page and "for sale, resale, or solicitation" in form_page
    assert "free of charge" in form_page and "6(a)" in form_page
    request, _ = submit_and_confirm(client, django_capture_on_commit_callbacks, is_commercial="yes")
    assert request.is_commercial
    assert request.due_on == calendar.BusinessCalendar().add_business_days(request.received_on, 21)


def test_status_link_is_long_hashed_and_its_pages_leak_nothing(client, django_capture_on_commit_callbacks):
    request, status_path = submit_and_confirm(client, django_capture_on_commit_callbacks)
    token = status_path.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # secrets.token_urlsafe(32): 256 bits
    link = FoiaStatusLink.objects.get(request=request)
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    response = client.get(status_path)
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"


def _same_answer(first, second):
    assert first.status_code == second.status_code == 404
    assert first.content == second.content
    for header in ("Content-Type", "Referrer-Policy", "Cache-Control", "X-Robots-Tag"):
        assert first.get(header) == second.get(header), header


def test_wrong_and_expired_links_answer_like_a_request_that_never_existed(
    client, django_capture_on_commit_callbacks, caplog
):
    request, status_path = submit_and_confirm(client, django_capture_on_commit_callbacks)
    token = status_path.rstrip("/").rsplit("/", 1)[1]
    assert "is logged as" in client.get(status_path).content.decode()  # the one-time message is shown
    never = client.get("/foia/status/" + "A" * 43 + "/")
    wrong = client.get(f"/foia/status/{token[:-1]}{'B' if token[-1] != 'B' else 'C'}/")
    _same_answer(never, wrong)
    FoiaStatusLink.objects.filter(request=request).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with caplog.at_level("DEBUG"):
        expired = client.get(status_path)
    _same_answer(never, expired)
    # The path (with its token) is not written to the request log.
    assert token not in caplog.text
    assert client.get(status_path + "bundle/1/").content == never.content


def test_destroyed_request_link_answers_like_one_that_never_existed(
    client, clerk_user, today, eligible_year, django_capture_on_commit_callbacks
):
    from records.retention.services import certificate_draft, retention_enforce
    from tests.factories import approve_certificate
    from tests.records.retention.test_purge_foia import _closed_request_with_its_file

    request, export = _closed_request_with_its_file(eligible_year)
    from records.foia import notifications

    status_path = notifications.status_link_issue(request)
    assert client.get(status_path).status_code == 200
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    approve_certificate(certificate, actor=clerk_user)
    with django_capture_on_commit_callbacks(execute=True):
        retention_enforce()
    assert not FoiaRequest.objects.filter(pk=request.pk).exists()
    assert not FoiaStatusLink.objects.exists()
    _same_answer(client.get("/foia/status/" + "A" * 43 + "/"), client.get(status_path))


def _clerk_releases(clerk, request, django_capture_on_commit_callbacks):
    """The Clerk sets the scope, builds the bundle, fulfils and releases it (services)."""
    foia_services.foia_request_update(
        actor=clerk,
        request=request,
        received_on=request.received_on,
        channel=request.channel,
        description=request.description,
        is_commercial=request.is_commercial,
        sites=list(request.sites.all()),
        commenters=[],
        date_from=None,
        date_to=None,
        search_terms="pothole",
        record_kinds=["captured-items"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        export = foia_services.foia_export_start(actor=clerk, request=request)
    export.refresh_from_db()
    assert export.state == "complete", export.error
    subject, body = render_letter("fulfilment", request, clerk=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        foia_services.foia_request_respond(
            actor=clerk, request=request, outcome="fulfilled", subject=subject, body=body
        )
    with django_capture_on_commit_callbacks(execute=True):
        foia_services.foia_export_release(actor=clerk, export=export)
    export.refresh_from_db()
    return export


def test_released_bundle_is_downloaded_exactly_and_each_download_is_recorded(
    client, django_capture_on_commit_callbacks
):
    clerk = make_user(roles.CITY_CLERK, username="clerk-release")
    site = SiteFactory()
    CommentFactory(site=site, text="A pothole on Court Street")
    request, status_path = submit_and_confirm(
        client, django_capture_on_commit_callbacks, sites=[str(site.pk)]
    )
    page = client.get(status_path).content.decode()
    assert "No records have been released yet" in page
    export = _clerk_releases(clerk, request, django_capture_on_commit_callbacks)
    released = mail.outbox[-1]
    assert "Records released" in released.subject
    new_status_path = path_of(links_in(released, "/foia/status/")[0])
    page = client.get(new_status_path).content.decode()
    download_path = f"{new_status_path}bundle/{export.pk}/"
    assert download_path in page and export.sha256 in page
    response = client.get(download_path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    with export_storage().open(export.file_name, "rb") as stored:
        assert body == stored.read()
    assert hashlib.sha256(body).hexdigest() == export.sha256
    assert "manifest.json" in zipfile.ZipFile(BytesIO(body)).namelist()
    assert response["Referrer-Policy"] == "no-referrer"
    download = FoiaDownload.objects.get(export=export)
    assert download.requester == request.requester and download.user.username == "system"
    assert download.ip_address is None


def test_a_bundle_not_released_is_not_offered_nor_served(client, django_capture_on_commit_callbacks):
    clerk = make_user(roles.CITY_CLERK, username="clerk-unreleased")
    site = SiteFactory()
    CommentFactory(site=site, text="pothole")
    request, status_path = submit_and_confirm(
        client, django_capture_on_commit_callbacks, sites=[str(site.pk)]
    )
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
    with django_capture_on_commit_callbacks(execute=True):
        export = foia_services.foia_export_start(actor=clerk, request=request)
    assert f"bundle/{export.pk}/" not in client.get(status_path).content.decode()
    never = client.get("/foia/status/" + "A" * 43 + "/")
    _same_answer(never, client.get(f"{status_path}bundle/{export.pk}/"))
    assert not FoiaDownload.objects.exists()


def test_every_step_is_e_mailed_with_a_working_status_link(client, django_capture_on_commit_callbacks):
    clerk = make_user(roles.CITY_CLERK, username="clerk-steps")
    request, _ = submit_and_confirm(client, django_capture_on_commit_callbacks)
    steps = []

    def sent(kind, call):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            call()
        (message,) = mail.outbox[before:]
        (status_url,) = links_in(message, "/foia/status/")
        page = client.get(path_of(status_url))
        assert page.status_code == 200, kind
        steps.append(kind)
        return message, page.content.decode()

    subject, body = render_letter("acknowledgement", request, clerk=clerk)
    sent(
        "acknowledgement",
        lambda: foia_services.foia_request_acknowledge(
            actor=clerk, request=request, subject=subject, body=body
        ),
    )
    message, page = sent(
        "extension",
        lambda: foia_services.foia_request_extend(
            actor=clerk,
            request=request,
            reason="e_ii",
            days=5,
            subject="Extension of FOIA request",
            body="Extended by 5 days.",
        ),
    )
    assert "Extended by 5 days." in message.body and "Extended by 5 days." in page
    request.refresh_from_db()
    assert "Extended by 5 business days" in page  # the clock explanation shows the extension
    subject, body = render_letter(
        "denial", request, clerk=clerk, exemptions=[("5 ILCS 140/7(1)(c)", "Privacy")]
    )
    sent(
        "denial",
        lambda: foia_services.foia_request_respond(
            actor=clerk,
            request=request,
            outcome="denied",
            subject=subject,
            body=body,
            exemptions=[("5 ILCS 140/7(1)(c)", "Privacy")],
        ),
    )
    other, _ = submit_and_confirm(client, django_capture_on_commit_callbacks, email="other@example.org")
    sent(
        "withdrawal",
        lambda: foia_services.foia_request_withdraw(
            actor=clerk, request=other, subject="Withdrawn", body="You withdrew it."
        ),
    )
    assert steps == ["acknowledgement", "extension", "denial", "withdrawal"]


def test_recurrent_notice_is_e_mailed_with_a_status_link(client, django_capture_on_commit_callbacks):
    from tests.factories import FoiaRequestFactory

    clerk = make_user(roles.CITY_CLERK, username="clerk-recurrent")
    request, _ = submit_and_confirm(client, django_capture_on_commit_callbacks)
    for _ in range(7):
        FoiaRequestFactory(
            requester=request.requester, received_on=request.received_on - dt.timedelta(days=2)
        )
    request.recurrent_detected = "8 requests within 7 days."
    request.save()
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        foia_services.foia_request_confirm_recurrent(
            actor=clerk, request=request, subject="Recurrent request", body="Treated as recurrent."
        )
    (message,) = mail.outbox[before:]
    assert "Treated as recurrent." in message.body
    assert client.get(path_of(links_in(message, "/foia/status/")[0])).status_code == 200


def test_resend_answers_the_same_whether_or_not_the_address_is_known(
    client, django_capture_on_commit_callbacks
):
    request, _ = submit_and_confirm(client, django_capture_on_commit_callbacks)
    client = Client()  # a fresh visitor: no message left from the confirmation
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post("/foia/new-link/", {"email": "nobody@example.org", "website": ""}, follow=True)
    assert len(mail.outbox) == before
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/foia/new-link/", {"email": "PAT@example.org", "website": ""}, follow=True)
    assert unknown.status_code == known.status_code == 200
    assert unknown.content == known.content
    (message,) = mail.outbox[before:]
    assert message.to == ["pat@example.org"]
    (status_url,) = links_in(message, "/foia/status/")
    assert request.reference in client.get(path_of(status_url)).content.decode()


def test_public_log_lists_what_the_clerk_chose_and_names_only_who_agreed(
    client, client_as, django_capture_on_commit_callbacks
):
    clerk = make_user(roles.CITY_CLERK, username="clerk-log")
    shown, _ = submit_and_confirm(
        client, django_capture_on_commit_callbacks, name="Alex Named", name_public="on"
    )
    hidden, _ = submit_and_confirm(
        client, django_capture_on_commit_callbacks, name="Sam Hidden", email="sam@example.org"
    )
    unlisted, _ = submit_and_confirm(
        client, django_capture_on_commit_callbacks, name="Una Listed", email="una@example.org"
    )
    for request in (shown, hidden, unlisted):
        with django_capture_on_commit_callbacks(execute=True):
            foia_services.foia_request_respond(
                actor=clerk, request=request, outcome="fulfilled", subject="Response", body="Granted."
            )
    staff = client_as(clerk)
    refused = staff.post(f"/portal/foia/{shown.pk}/close/", {"public_log": "on", "public_summary": ""})
    assert refused.status_code == 200 and "Write the summary" in refused.content.decode()
    staff.post(
        f"/portal/foia/{shown.pk}/close/",
        {"public_log": "on", "public_summary": "Removed comments, Oct 2026"},
    )
    staff.post(
        f"/portal/foia/{hidden.pk}/close/", {"public_log": "on", "public_summary": "Block lists of 2026"}
    )
    staff.post(f"/portal/foia/{unlisted.pk}/close/", {"public_summary": ""})
    staff.logout()
    page = client.get("/foia/log/").content.decode()
    assert shown.reference in page and hidden.reference in page and unlisted.reference not in page
    assert "Alex Named" in page and "Sam Hidden" not in page and "Una Listed" not in page
    assert "Removed comments, Oct 2026" in page and "Granted" in page
    assert "Every comment removed" not in page  # the requester's own words never go to the log


def test_expired_unconfirmed_submissions_are_deleted(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/foia/request/", form_data())
    confirm_path = path_of(links_in(mail.outbox[-1], "/foia/confirm/")[0])
    FoiaSubmission.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(confirm_path).status_code == 404
    assert client.post(confirm_path).status_code == 404
    assert foia_submissions_expire() == 1
    assert not FoiaSubmission.objects.exists() and not FoiaRequest.objects.exists()

"""Abuse of the public form: floods, robots, oversized and hostile input, header injection."""

import csv
import io
import zipfile

import pytest
from django.core import mail
from django.test import override_settings

from config.portal import roles
from records.foia import services as foia_services
from records.foia.export import export_storage
from records.foia.letters import render_letter
from records.models import FoiaRequest, FoiaSubmission
from tests.factories import CommentFactory, SiteFactory, make_user
from tests.records.foia_public.conftest import PAYLOAD, form_data, links_in, path_of, submit_and_confirm

pytestmark = pytest.mark.django_db


@override_settings(FOIA_SUBMISSIONS_PER_IP_PER_HOUR=10, FOIA_SUBMISSIONS_PER_ADDRESS_PER_DAY=5)
def test_a_hundred_submissions_from_one_network_are_throttled_and_the_first_ones_kept(
    client, django_capture_on_commit_callbacks
):
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(100):
            response = client.post(
                "/foia/request/", form_data(email=f"flood{number}@example.org"), REMOTE_ADDR="198.51.100.9"
            )
            answers.append(response.status_code)
    assert answers[:10] == [302] * 10
    assert set(answers[10:]) == {429}
    refusal = client.post("/foia/request/", form_data(email="late@example.org"), REMOTE_ADDR="198.51.100.9")
    assert "Too many forms were sent from your network" in refusal.content.decode()
    assert refusal["Retry-After"] == "3600"
    assert FoiaSubmission.objects.count() == 10
    assert sorted(FoiaSubmission.objects.values_list("email", flat=True)) == sorted(
        f"flood{number}@example.org" for number in range(10)
    )
    # The first ones are not lost: each was e-mailed, and each link confirms its request.
    assert len(mail.outbox) == 10
    for message in mail.outbox:
        assert client.post(path_of(links_in(message, "/foia/confirm/")[0])).status_code == 302
    assert FoiaRequest.objects.count() == 10
    # Another network is not affected.
    assert client.post("/foia/request/", form_data(), REMOTE_ADDR="192.0.2.1").status_code == 302


@override_settings(FOIA_SUBMISSIONS_PER_IP_PER_HOUR=1000, FOIA_SUBMISSIONS_PER_ADDRESS_PER_DAY=5)
def test_a_hundred_submissions_for_one_address_from_many_networks_are_throttled(client):
    answers = [
        client.post("/foia/request/", form_data(), REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}").status_code
        for n in range(100)
    ]
    assert answers[:5] == [302] * 5 and set(answers[5:]) == {429}
    assert FoiaSubmission.objects.count() == 5
    refusal = client.post("/foia/request/", form_data(email="PAT@EXAMPLE.ORG"), REMOTE_ADDR="10.9.9.9")
    assert refusal.status_code == 429
    assert "Too many forms were sent for this e-mail address today" in refusal.content.decode()


@override_settings(FOIA_RESENDS_PER_ADDRESS_PER_DAY=3)
def test_resend_form_is_throttled_per_address(client):
    answers = [client.post("/foia/new-link/", {"email": "x@example.org"}).status_code for _ in range(5)]
    assert answers == [302, 302, 302, 429, 429]


def test_honeypot_filled_in_is_refused_saying_why(client):
    response = client.post("/foia/request/", form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "Leave this field empty" in response.content.decode()
    assert not FoiaSubmission.objects.exists() and not mail.outbox
    assert client.post("/foia/new-link/", {"email": "a@example.org", "website": "x"}).status_code == 400


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 201, "at most 200 characters"),
        ("organisation", "x" * 201, "at most 200 characters"),
        ("description", "x" * 10001, "at most 10000 characters"),
        ("postal_address", "x" * 1001, "at most 1000 characters"),
        ("email", "a" * 250 + "@example.org", "at most 254 characters"),
        ("description", "", "This field is required"),
        ("email", "not an address", "valid email address"),
        ("date_to", "2026-01-01", "before its start"),
    ],
)
def test_oversized_or_missing_fields_are_refused_next_to_the_field(client, field, value, message):
    data = form_data(date_from="2026-02-01", **{field: value})
    response = client.post("/foia/request/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FoiaSubmission.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Eve\r\nBcc: victim@example.org"),
        ("name", "Eve\nSubject: hi"),
        ("organisation", "Org\r\nX-Injected: 1"),
        ("email", "eve@example.org\r\nBcc: victim@example.org"),
    ],
)
def test_header_injection_attempts_are_refused(client, field, value):
    response = client.post("/foia/request/", form_data(**{field: value}))
    assert response.status_code == 400
    assert not FoiaSubmission.objects.exists() and not mail.outbox


def _assert_inert(html: str, where: str):
    assert "<script>alert(1)" not in html, where
    assert "<img src=x" not in html, where
    assert "\"'><img" not in html, where


def test_hostile_text_in_every_field_is_inert_in_every_page_e_mail_and_file(
    client, client_as, django_capture_on_commit_callbacks
):
    clerk = make_user(roles.CITY_CLERK, username="clerk-hostile")
    site = SiteFactory()
    CommentFactory(site=site, text=f"pothole {PAYLOAD}")
    hostile = {
        "name": "Mallory " + PAYLOAD,
        "organisation": PAYLOAD,
        "postal_address": PAYLOAD + "\n" + PAYLOAD,
        "description": '=HYPERLINK("http://evil") pothole ' + PAYLOAD,
        "sites": [str(site.pk)],
        "name_public": "on",
    }
    request, status_path = submit_and_confirm(client, django_capture_on_commit_callbacks, **hostile)
    assert request.requester.name == "Mallory " + PAYLOAD  # kept exactly as typed
    # Every e-mail: the plain text is inert by nature; the HTML part is escaped; one-line subjects.
    for message in mail.outbox:
        html = message.alternatives[0][0]
        _assert_inert(html, message.subject)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "\n" not in message.subject and "\r" not in message.subject
    # Public pages.
    for path in (status_path, "/foia/log/"):
        _assert_inert(client.get(path).content.decode(), path)
    # The Clerk's pages.
    staff = client_as(clerk)
    for path in ("/portal/foia/", f"/portal/foia/{request.pk}/", f"/portal/foia/{request.pk}/edit/"):
        html = staff.get(path).content.decode()
        _assert_inert(html, path)
    # The bundle and the letters, after release.
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
        record_kinds=["captured-items", "foia-requests"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        export = foia_services.foia_export_start(actor=clerk, request=request)
    subject, body = render_letter("fulfilment", request, clerk=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        foia_services.foia_request_respond(
            actor=clerk, request=request, outcome="fulfilled", subject=subject, body=body
        )
        foia_services.foia_request_close(
            actor=clerk, request=request, public_log=True, public_summary="Summary " + PAYLOAD
        )
    export.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        foia_services.foia_export_release(actor=clerk, export=export)
    staff.logout()
    for message in mail.outbox:
        _assert_inert(message.alternatives[0][0], message.subject)
    page = client.get(path_of(links_in(mail.outbox[-1], "/foia/status/")[0])).content.decode()
    _assert_inert(page, "status page after release")
    _assert_inert(client.get("/foia/log/").content.decode(), "public log")
    with export_storage().open(export.file_name, "rb") as stored:
        bundle = zipfile.ZipFile(io.BytesIO(stored.read()))
    records_html = bundle.read("records.html").decode()
    _assert_inert(records_html, "records.html")
    assert "Mallory &lt;script&gt;" in records_html  # the request itself is in the bundle
    assert "foia-requests.csv" in bundle.namelist()
    for name in bundle.namelist():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))):
                assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (name, row)


@override_settings(FOIA_SUBMISSIONS_PER_IP_PER_HOUR=2, BEHIND_TLS_PROXY=True)
def test_behind_the_proxy_the_limit_counts_the_address_the_proxy_saw(client):
    def post(forwarded, email):
        return client.post(
            "/foia/request/", form_data(email=email), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    # A client forging X-Forwarded-For entries still ends with the one the proxy appended.
    answers = [post(f"1.2.3.{n}, 198.51.100.20", f"a{n}@example.org") for n in range(4)]
    assert answers == [302, 302, 429, 429]
    assert post("198.51.100.21", "b@example.org") == 302  # another visitor behind the same proxy

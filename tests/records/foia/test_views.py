"""The Clerk's FOIA pages: who may reach them, and what they do."""

import zipfile
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse

from config.portal import calendar
from records.foia import services
from records.models import FoiaDownload, FoiaExport, FoiaLetter, FoiaRequest, FoiaRequester, Redaction
from tests.factories import CommentFactory, FoiaRequesterFactory, SiteFactory, sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def foia_request(clerk_user):
    site = SiteFactory(account_name="Public Works")
    CommentFactory(site=site, text="Pothole on Court Street, call me at 815-555-0142")
    return services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(name="Pat Gazette"),
        received_on=date(2026, 11, 20),
        channel="email",
        description="Pothole comments <b>please</b>",
        sites=[site],
        record_kinds=["captured-items", "removals"],
    )


def _urls(foia_request, export=None, letter=None, redaction=None):
    urls = [
        reverse("records:foia-list"),
        reverse("records:foia-create"),
        reverse("records:foia-detail", args=[foia_request.pk]),
        reverse("records:foia-edit", args=[foia_request.pk]),
        reverse("records:foia-letter-action", args=[foia_request.pk, "acknowledgement"]),
        reverse("records:foia-letter-action", args=[foia_request.pk, "extension"]),
        reverse("records:foia-letter-action", args=[foia_request.pk, "denial"]),
        reverse("records:foia-agree-date", args=[foia_request.pk]),
        reverse("records:foia-redactions", args=[foia_request.pk]),
        reverse("records:foia-templates"),
        reverse("records:foia-template-edit", args=["denial"]),
    ]
    if export:
        urls += [reverse("records:foia-export", args=[export.pk])]
    if letter:
        urls += [reverse("records:foia-letter", args=[letter.pk])]
    return urls


def test_clerk_reaches_every_foia_page(client_as, clerk_user, foia_request):
    client = client_as(clerk_user)
    for url in _urls(foia_request):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("role_user", ["comms_user", "tst_user", "plain_user"])
def test_other_roles_reach_no_foia_page(request, client_as, clerk_user, foia_request, role_user):
    export = services.foia_export_start(actor=clerk_user, request=foia_request)
    client = client_as(request.getfixturevalue(role_user))
    for url in [
        *_urls(foia_request, export=export),
        reverse("records:foia-export-download", args=[export.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("records:foia-export-start", args=[foia_request.pk])).status_code == 403
    assert not FoiaDownload.objects.exists()


def test_detail_shows_how_the_due_date_was_computed_and_escapes_text(client_as, clerk_user, foia_request):
    page = client_as(clerk_user).get(reverse("records:foia-detail", args=[foia_request.pk])).content.decode()
    assert "5 business days (5 ILCS 140 §3(d))" in page
    assert "Illinois holiday: Thanksgiving Day" in page  # received Fri Nov 20, 2026
    assert "&lt;b&gt;please&lt;/b&gt;" in page and "<b>please</b>" not in page
    assert "Captured items: 1 record" in page
    assert "Removals: 0 records" in page
    assert "Not yet exportable" not in page


def test_logging_a_request_through_the_form(client_as, clerk_user):
    site = SiteFactory()
    response = client_as(clerk_user).post(
        reverse("records:foia-create"),
        {
            "requester_name": "Pat Doe",
            "requester_kind": "news_media",
            "requester_email": "pat@gazette.example",
            "received_on": "2026-11-16",
            "channel": "email",
            "description": "All comments",
            "record_kinds": ["captured-items"],
            "sites": [site.pk],
        },
    )
    request = FoiaRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.due_on == date(2026, 11, 23)
    assert request.hold.is_active
    assert request.requester.kind == "news_media"


def test_the_same_form_sent_twice_logs_one_request(client_as, clerk_user):
    client = client_as(clerk_user)
    page = client.get(reverse("records:foia-create")).content.decode()
    token = page.split('name="submission_token" value="', 1)[1].split('"', 1)[0]
    data = {
        "submission_token": token,
        "requester_name": "Pat Doe",
        "requester_kind": "individual",
        "received_on": "2026-11-16",
        "channel": "email",
        "description": "All comments",
        "record_kinds": ["captured-items"],
    }
    first = client.post(reverse("records:foia-create"), data)
    history_rows = FoiaRequest.history.count()
    second = client.post(reverse("records:foia-create"), data, follow=True)
    request = FoiaRequest.objects.get()
    assert first["Location"] == request.get_absolute_url()
    assert second.redirect_chain[-1][0] == request.get_absolute_url()
    assert f"{request.reference} was already logged from this form" in second.content.decode()
    assert FoiaRequester.objects.count() == 1 and FoiaRequest.history.count() == history_rows
    # A fresh form (a new token) logs a new request, even with the same words.
    fresh = client.get(reverse("records:foia-create")).content.decode()
    assert token not in fresh
    client.post(reverse("records:foia-create"), {**data, "submission_token": ""})
    assert FoiaRequest.objects.count() == 2


def test_future_received_date_is_shown_next_to_the_field(client_as, clerk_user):
    response = client_as(clerk_user).post(
        reverse("records:foia-create"),
        {
            "requester_name": "Pat",
            "requester_kind": "individual",
            "received_on": "2099-01-01",
            "channel": "email",
            "description": "x",
            "record_kinds": ["captured-items"],
        },
    )
    assert response.status_code == 200
    assert "The received date cannot be in the future." in response.content.decode()
    assert not FoiaRequest.objects.exists()
    assert not FoiaRequester.objects.exists()  # nothing half-written


def test_acknowledging_records_the_letter(client_as, clerk_user, foia_request):
    client = client_as(clerk_user)
    url = reverse("records:foia-letter-action", args=[foia_request.pk, "acknowledgement"])
    form = client.get(url).context["form"]
    response = client.post(url, {"subject": form.initial["subject"], "body": form.initial["body"]})
    assert response.status_code == 302
    letter = FoiaLetter.objects.get()
    assert letter.kind == "acknowledgement" and "Pat Gazette" in letter.body
    foia_request.refresh_from_db()
    assert foia_request.state == "acknowledged"
    assert client.get(reverse("records:foia-letter", args=[letter.pk])).status_code == 200


def test_treating_a_request_as_recurrent_sends_the_3_2_b_notice(client_as, clerk_user):
    from datetime import timedelta

    from records.foia.clock import compute_due_date
    from tests.factories import FoiaRequestFactory

    today = calendar.today()
    requester = FoiaRequesterFactory(name="Sam Frequent")
    for days_ago in range(1, 8):
        FoiaRequestFactory(requester=requester, received_on=today - timedelta(days=days_ago))
    foia_request = services.foia_request_create(
        actor=clerk_user,
        requester=requester,
        received_on=today,
        channel="email",
        description="Everything",
        record_kinds=["captured-items"],
    )
    assert foia_request.recurrent_detected and not foia_request.is_recurrent
    client = client_as(clerk_user)
    detail = client.get(foia_request.get_absolute_url()).content.decode()
    url = reverse("records:foia-letter-action", args=[foia_request.pk, "recurrent"])
    assert url in detail
    form = client.get(url).context["form"]
    body = form.initial["body"]
    assert "7 requests within 7 days" in body and "5 ILCS 140/3.2(b)" in body
    assert "unduly burdensome" in body  # the responses §3.2(a) allows, named in the notice
    response = client.post(url, {"subject": form.initial["subject"], "body": body})
    assert response.status_code == 302
    foia_request.refresh_from_db()
    assert foia_request.is_recurrent
    due = compute_due_date(foia_request).due_on
    assert foia_request.due_on == due and f"{due:%B %-d, %Y}" in body  # the preview gave the new date
    letter = FoiaLetter.objects.get(request=foia_request)
    assert letter.kind == "recurrent" and letter.body.strip() == body.strip()
    # Once treated as recurrent, the action is gone from the page and refused if posted again.
    assert url not in client.get(foia_request.get_absolute_url()).content.decode()
    again = client.post(url, {"subject": "x", "body": "y"})
    assert again.status_code == 200 and FoiaLetter.objects.filter(request=foia_request).count() == 1


def test_denial_page_fills_in_the_exemptions(client_as, clerk_user, foia_request):
    client = client_as(clerk_user)
    url = reverse("records:foia-letter-action", args=[foia_request.pk, "denial"])
    form = client.get(url).context["form"]
    assert "$exemptions" in form.initial["body"]
    response = client.post(
        url,
        {
            "subject": form.initial["subject"],
            "body": form.initial["body"],
            "exemptions": "5 ILCS 140/7(1)(c) | Names a resident's illness.",
        },
    )
    assert response.status_code == 302
    letter = FoiaLetter.objects.get()
    assert "- 5 ILCS 140/7(1)(c): Names a resident's illness." in letter.body
    assert "$exemptions" not in letter.body


def test_extension_letter_from_the_template(client_as, clerk_user, foia_request, monkeypatch):
    monkeypatch.setattr(calendar, "today", lambda: date(2026, 11, 23))
    client = client_as(clerk_user)
    url = reverse("records:foia-letter-action", args=[foia_request.pk, "extension"])
    response = client.post(url, {"reason": "e_iii", "days": "5", "subject": "Extension", "body": ""})
    assert response.status_code == 302, response.content.decode()
    letter = FoiaLetter.objects.get()
    assert "requires an extensive search" in letter.body and "extended by 5 business days" in letter.body


def test_redaction_decisions_on_the_page(client_as, clerk_user, foia_request):
    client = client_as(clerk_user)
    client.post(reverse("records:foia-redactions-suggest", args=[foia_request.pk]))
    redaction = Redaction.objects.get(text="815-555-0142")
    page = client.get(reverse("records:foia-redactions", args=[foia_request.pk])).content.decode()
    assert "815-555-0142" in page
    client.post(
        reverse("records:foia-redaction-decide", args=[redaction.pk]),
        {"decision": "accept", "exemption": "7(1)(b)", "note": "Personal phone"},
    )
    redaction.refresh_from_db()
    assert redaction.state == "accepted" and redaction.decided_by == clerk_user


def test_export_progress_page_and_recorded_download(client_as, clerk_user, foia_request):
    client = client_as(clerk_user)
    response = client.post(reverse("records:foia-export-start", args=[foia_request.pk]))
    export = FoiaExport.objects.get()
    assert response["Location"] == export.get_absolute_url()
    page = client.get(export.get_absolute_url()).content.decode()
    assert "Complete:" in page and "Download the bundle" in page
    download = client.get(reverse("records:foia-export-download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))
    assert "manifest.json" in archive.namelist()
    recorded = FoiaDownload.objects.get()
    assert recorded.user == clerk_user and recorded.export == export


def test_running_export_page_refreshes(client_as, clerk_user, foia_request):
    export = FoiaExport.objects.create(
        request=foia_request,
        requested_by=clerk_user,
        state="running",
        total_records=200,
        processed_records=50,
    )
    page = client_as(clerk_user).get(export.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="25"' in page
    assert (
        client_as(clerk_user).get(reverse("records:foia-export-download", args=[export.pk])).status_code
        == 404
    )


def test_home_page_highlights_overdue_requests(client_as, clerk_user):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import FoiaRequestFactory

    late = FoiaRequestFactory(received_on=timezone.localdate() - timedelta(days=30))  # no hold: named once
    answered = FoiaRequestFactory(received_on=timezone.localdate() - timedelta(days=30), state="fulfilled")
    page = client_as(clerk_user).get(reverse("portal:home")).content.decode()
    assert "FOIA deadlines" in page
    assert late.reference in page and "Overdue" in page
    assert answered.reference not in page


def test_home_page_has_no_foia_panel_for_other_roles(client_as, comms_user):
    assert "FOIA deadlines" not in client_as(comms_user).get(reverse("portal:home")).content.decode()


def test_redaction_scan_page_refreshes_while_the_task_runs(client_as, clerk_user, foia_request, monkeypatch):
    from records.foia import tasks

    sent = []
    monkeypatch.setattr(tasks.foia_redaction_scan, "delay_on_commit", lambda *args: sent.append(args))
    client = client_as(clerk_user)
    client.post(reverse("records:foia-redactions-suggest", args=[foia_request.pk]))
    assert sent == [(foia_request.pk, clerk_user.pk)]
    page = client.get(reverse("records:foia-redactions", args=[foia_request.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "Scanning the responsive records" in page
    assert tasks.foia_redaction_scan(foia_request.pk, clerk_user.pk) == 1  # the phone number
    assert tasks.foia_redaction_scan(foia_request.pk, clerk_user.pk) == 0  # finished: nothing to do
    page = client.get(reverse("records:foia-redactions", args=[foia_request.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "1 new suggestion" in page


def test_request_list_queries_do_not_grow_with_the_requests(
    client_as, clerk_user, django_assert_max_num_queries
):
    from tests.factories import FoiaRequestFactory

    client = client_as(clerk_user)
    FoiaRequestFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("records:foia-list"))
    FoiaRequestFactory.create_batch(20)
    FoiaRequestFactory.create_batch(5, state="closed")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("records:foia-list"))


def test_pages_of_a_request_without_assignee_or_scope(client_as, clerk_user):
    from tests.factories import FoiaRequestFactory

    bare = FoiaRequestFactory(search_terms="", assignee=None)
    client = client_as(clerk_user)
    page = client.get(reverse("records:foia-detail", args=[bare.pk])).content.decode()
    assert "The scope is empty" in page and "Build an export bundle" not in page
    assert client.get(reverse("records:foia-edit", args=[bare.pk])).status_code == 200
    response = client.post(reverse("records:foia-export-start", args=[bare.pk]), follow=True)
    assert "scope is empty" in response.content.decode()


def _foia_records(foia_request, clerk_user):
    """One row of every FOIA model: all of them name requesters or what they asked for."""
    from records.models import FoiaExemption, FoiaLetterTemplate

    export = services.foia_export_start(actor=clerk_user, request=foia_request)
    letter = services.foia_request_acknowledge(
        actor=clerk_user, request=foia_request, subject="Received", body="We have your request."
    )
    return [
        foia_request.requester,
        foia_request,
        FoiaLetterTemplate.objects.get(kind="acknowledgement"),
        letter,
        FoiaExemption.objects.create(request=foia_request, citation="7(1)(c)", factual_basis="Privacy"),
        Redaction.objects.create(request=foia_request, record_kind="captured-items", record_id=1, text="x"),
        export,
        FoiaDownload.objects.create(export=export, user=clerk_user, downloaded_at=export.created_at),
    ]


def test_every_foia_model_is_covered_here():
    from django.apps import apps

    import records.models.foia as foia_models

    names = {
        model.__name__
        for model in apps.get_app_config("records").get_models()
        if model.__module__ == foia_models.__name__ and not model.__name__.startswith("Historical")
    }
    assert names == {
        "FoiaRequester",
        "FoiaRequest",
        "FoiaLetterTemplate",
        "FoiaLetter",
        "FoiaExemption",
        "Redaction",
        "FoiaExport",
        "FoiaDownload",
        *UNTRACKED,
    }
    from django.contrib import admin

    for name in UNTRACKED:
        model = apps.get_model("records", name)
        assert not hasattr(model, "history") and model not in admin.site._registry, name


# Not tracked, so no history page, and not in the admin: the unconfirmed submissions of the public
# form (deleted on confirmation or expiry) and the SHA-256 of the requesters' status links.
UNTRACKED = ("FoiaSubmission", "FoiaStatusLink")


@pytest.mark.parametrize("role_user", ["comms_user", "tst_user"])
def test_history_of_every_foia_record_is_for_the_clerk_only(
    request, client_as, clerk_user, foia_request, role_user
):
    from django.test import Client

    urls = [
        reverse("portal:history", args=[record._meta.app_label, record._meta.model_name, record.pk])
        for record in _foia_records(foia_request, clerk_user)
    ]
    clerk, other = Client(), Client()
    sign_in_verified(clerk, clerk_user)
    sign_in_verified(other, request.getfixturevalue(role_user))
    for url in urls:
        assert clerk.get(url).status_code == 200, url
        response = other.get(url)
        assert response.status_code == 403, url
        assert "Pat Gazette" not in response.content.decode()


def test_admin_deletes_no_foia_record(client, superuser, clerk_user, foia_request):
    """FOIA requests, letters, redactions, exports and their downloads are records: the
    admin site may show them but never delete them (letter templates are settings)."""
    from django.contrib import admin

    records = [
        record
        for record in _foia_records(foia_request, clerk_user)
        if type(record) in admin.site._registry and record._meta.model_name != "foialettertemplate"
    ]
    assert len(records) == 6
    sign_in_verified(client, superuser)
    for record in records:
        meta = record._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[record.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403, url
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
        assert type(record).objects.filter(pk=record.pk).exists(), meta.model_name


def _edit_data(foia_request, **changes):
    from records.foia.forms import FoiaRequestForm

    data = {}
    for key, value in FoiaRequestForm.initial_for(foia_request).items():
        if key in ("sites", "commenters"):
            data[key] = [item.pk for item in value]
        elif key == "assignee":
            data[key] = value.pk if value else ""
        elif value is None or value is False:
            continue
        else:
            data[key] = value
    data.update(changes)
    return data


def test_editing_corrects_the_requesters_name_and_email(client_as, clerk_user, foia_request):
    """A typo in the requester's name or address is fixed on the edit page, not silently kept."""
    client = client_as(clerk_user)
    url = reverse("records:foia-edit", args=[foia_request.pk])
    response = client.post(
        url, _edit_data(foia_request, requester_name="Pat Gazetteer", requester_email="pat@gazette.example")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    requester = FoiaRequest.objects.get(pk=foia_request.pk).requester
    assert (requester.pk, requester.name, requester.email) == (
        foia_request.requester_id,
        "Pat Gazetteer",
        "pat@gazette.example",
    )
    latest = requester.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (clerk_user, "Requester details updated")


def test_editing_refuses_another_requesters_email_and_keeps_the_input(client_as, clerk_user, foia_request):
    FoiaRequesterFactory(name="Someone Else", email="else@example.org")
    response = client_as(clerk_user).post(
        reverse("records:foia-edit", args=[foia_request.pk]),
        _edit_data(foia_request, requester_name="Pat Typo", requester_email="else@example.org"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone Else" in page and 'value="Pat Typo"' in page
    assert FoiaRequest.objects.get(pk=foia_request.pk).requester.name == "Pat Gazette"


def test_a_refused_request_form_says_at_the_top_which_fields_to_correct(client_as, clerk_user):
    """The form is three screens long: the first error is far below where the page opens."""
    response = client_as(clerk_user).post(
        reverse("records:foia-create"), {"requester_name": "Pat", "requester_kind": "individual"}
    )
    page = response.content.decode()
    top = page[page.index("<h1>") : page.index('id="id_requester_name"')]
    assert "Please correct these fields" in top
    assert '<a href="#id_received_on">Received on</a>' in top
    assert '<a href="#id_description">What was asked for</a>' in top
    assert 'value="Pat"' in page


def test_the_preview_builds_the_requests_scope_once(client_as, clerk_user, foia_request):
    """The scope's sites and commenters are read once for the page, not once per use."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(clerk_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("records:foia-detail", args=[foia_request.pk]))
    assert page.status_code == 200 and "Pothole on Court Street" in page.content.decode()
    sites_through = FoiaRequest.sites.through._meta.db_table
    commenters_through = FoiaRequest.commenters.through._meta.db_table
    scope_reads = [
        q["sql"]
        for q in queries
        if f'"id" AS "pk" FROM "sites_registry_site" INNER JOIN "{sites_through}"' in q["sql"]
        or f'"id" AS "pk" FROM "moderation_commenter" INNER JOIN "{commenters_through}"' in q["sql"]
    ]
    assert len(scope_reads) == 2, scope_reads  # once each (it was twice each: preview, then notice)

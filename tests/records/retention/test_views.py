"""The Clerk's retention pages: who may reach them, and what they do."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from records.models import DisposalCertificate, LegalHold
from records.retention.holds import held_queryset
from records.retention.services import certificate_draft, legal_hold_place
from records.series import REGISTRY, Scope
from tests.factories import CommentFactory, FoiaRequestFactory, SiteFactory, backdate_draft
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(clerk_user, eligible_year, today):
    CommentFactory(posted_at=chicago(eligible_year))
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    backdate_draft(certificate, today - dt.timedelta(days=7))
    return certificate


@pytest.fixture
def hold(clerk_user):
    CommentFactory(text="pothole <b>bold</b>")
    return legal_hold_place(
        actor=clerk_user, name="Doe v. City", reason="Litigation", scopes=[Scope(terms=("pothole",))]
    )


def page_urls(certificate, hold):
    return [
        reverse("records:retention-dashboard"),
        reverse("records:schedule-list"),
        reverse("records:hold-list"),
        reverse("records:hold-place"),
        reverse("records:hold-detail", args=[hold.pk]),
        reverse("records:certificate-list"),
        reverse("records:certificate-detail", args=[certificate.pk]),
        reverse("records:certificate-print", args=[certificate.pk]),
    ]


def test_clerk_and_administrator_reach_every_page(client_as, clerk_user, superuser, certificate, hold):
    for user in (clerk_user, superuser):
        client = client_as(user)
        for url in page_urls(certificate, hold):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["comms_user", "tst_user", "plain_user"])
def test_other_roles_are_refused(request, client_as, who, certificate, hold):
    client = client_as(request.getfixturevalue(who))
    for url in page_urls(certificate, hold):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("records:hold-release", args=[hold.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert LegalHold.objects.get(pk=hold.pk).is_active


def test_anonymous_is_sent_to_sign_in(client, certificate, hold):
    for url in page_urls(certificate, hold):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_hold_preview_counts_and_places_nothing(client_as, clerk_user):
    CommentFactory(text="pothole one")
    CommentFactory(text="nothing")
    response = client_as(clerk_user).post(
        reverse("records:hold-place"),
        {"name": "H", "kind": "litigation", "reason": "r", "search_terms": "pothole", "preview": "1"},
    )
    assert response.status_code == 200
    assert "This scope covers" in response.content.decode()
    assert "Captured items: 1" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_hold_with_empty_scope_shows_the_error_and_places_nothing(client_as, clerk_user):
    response = client_as(clerk_user).post(
        reverse("records:hold-place"), {"name": "H", "kind": "litigation", "reason": "r", "place": "1"}
    )
    assert response.status_code == 200
    assert "must name what it holds" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_place_then_release_a_hold(client_as, clerk_user):
    site = SiteFactory()
    client = client_as(clerk_user)
    response = client.post(
        reverse("records:hold-place"),
        {"name": "Audit 2026", "kind": "audit", "reason": "State audit", "sites": [site.pk], "place": "1"},
    )
    hold = LegalHold.objects.get()
    assert response.status_code == 302 and response["Location"] == hold.get_absolute_url()
    assert hold.scopes.get().site_ids == [site.pk]
    response = client.post(reverse("records:hold-release", args=[hold.pk]), {"reason": ""})
    assert response.status_code == 400 and LegalHold.objects.get().is_active
    client.post(reverse("records:hold-release", args=[hold.pk]), {"reason": "Audit closed"})
    assert not LegalHold.objects.get().is_active


def test_a_scope_is_added_on_the_hold_page_after_a_preview(client_as, clerk_user):
    pothole, bridge = CommentFactory(text="pothole"), CommentFactory(text="<b>bridge</b>")
    client = client_as(clerk_user)
    client.post(
        reverse("records:hold-place"),
        {"name": "Doe v. City", "kind": "litigation", "reason": "r", "search_terms": "pothole", "place": "1"},
    )
    hold = LegalHold.objects.get()
    url = reverse("records:hold-add-scope", args=[hold.pk])
    preview = client.post(url, {"search_terms": "bridge", "preview": "1"}).content.decode()
    assert "This scope covers" in preview and "Captured items: 1" in preview
    assert hold.scopes.count() == 1
    response = client.post(url, {"search_terms": "bridge", "add": "1"})
    assert response.status_code == 302 and hold.scopes.count() == 2
    page = client.get(hold.get_absolute_url()).content.decode()
    assert "terms: pothole" in page and "terms: bridge" in page
    assert "&lt;b&gt;bridge&lt;/b&gt;" in page and "<b>bridge</b>" not in page
    held = held_queryset(REGISTRY["captured-items"], [hold]).values_list("pk", flat=True)
    assert set(held) == {pothole.pk, bridge.pk}


def test_the_scope_of_a_foia_hold_is_not_widened_on_the_hold_page(client_as, clerk_user):
    from records.foia import services as foia_services
    from records.models import FoiaRequest
    from tests.factories import FoiaRequesterFactory

    request = foia_services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=timezone.localdate(),
        channel=FoiaRequest.Channel.EMAIL,
        description="Potholes",
        search_terms="pothole",
        record_kinds=["captured-items"],
    )
    response = client_as(clerk_user).post(
        reverse("records:hold-add-scope", args=[request.hold.pk]), {"search_terms": "bridge", "add": "1"}
    )
    assert response.status_code == 400
    assert "change the request" in response.content.decode()
    assert request.hold.scopes.count() == 1


def test_unknown_commenter_or_record_number_is_an_error_next_to_the_field(client_as, clerk_user):
    response = client_as(clerk_user).post(
        reverse("records:hold-place"),
        {
            "name": "H",
            "kind": "litigation",
            "reason": "r",
            "commenters__add": "nobody",
            "record_ids": "abc",
            "place": "1",
        },
    )
    body = response.content.decode()
    assert "No commenter has the id(s): nobody" in body and "Not record numbers: abc" in body
    assert not LegalHold.objects.exists()


def test_certificate_file_approve_through_the_pages(client_as, clerk_user, certificate, today):
    client = client_as(clerk_user)
    filed = today - dt.timedelta(days=2)
    too_soon = client.post(
        reverse("records:certificate-file", args=[certificate.pk]),
        {"filed_on": filed, "requested_disposal_date": filed + dt.timedelta(days=10)},
    )
    assert too_soon.status_code == 400 and "at least 30 days" in too_soon.content.decode()
    client.post(
        reverse("records:certificate-file", args=[certificate.pk]),
        {"filed_on": filed, "requested_disposal_date": filed + dt.timedelta(days=30)},
    )
    certificate.refresh_from_db()
    assert certificate.state == DisposalCertificate.State.FILED
    early = client.post(
        reverse("records:certificate-approve", args=[certificate.pk]),
        {"approval_number": "LRC-9", "approved_on": filed - dt.timedelta(days=1), "approver_name": "S"},
    )
    assert early.status_code == 400 and "before the certificate was filed" in early.content.decode()
    client.post(
        reverse("records:certificate-approve", args=[certificate.pk]),
        {"approval_number": "LRC-9", "approved_on": filed, "approver_name": "S. Secretary"},
    )
    certificate.refresh_from_db()
    assert certificate.state == DisposalCertificate.State.APPROVED and certificate.approval_number == "LRC-9"
    printable = client.get(reverse("records:certificate-print", args=[certificate.pk])).content.decode()
    assert "LRC-9" in printable and "Captured posts and comments" in printable


def test_withdraw_through_the_page(client_as, clerk_user, certificate):
    client_as(clerk_user).post(
        reverse("records:certificate-withdraw", args=[certificate.pk]), {"reason": "Redo"}
    )
    certificate.refresh_from_db()
    assert certificate.state == DisposalCertificate.State.WITHDRAWN


def test_hold_page_escapes_residents_text(client_as, clerk_user, hold):
    body = client_as(clerk_user).get(reverse("records:hold-detail", args=[hold.pk])).content.decode()
    assert "pothole &lt;b&gt;bold&lt;/b&gt;" in body


def test_record_page_panel_shows_its_holds_and_eligibility(clerk_user):
    comment = CommentFactory(text="pothole", posted_at=chicago(2022, 12, 31, 23, 30))
    hold = legal_hold_place(
        actor=clerk_user, name="Doe v. City", reason="r", scopes=[Scope(terms=("pothole",))]
    )
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = clerk_user
    html = Template("{% load retention %}{% retention_status comment %}").render(
        Context({"comment": comment, "request": request})
    )
    assert "Doe v. City" in html and hold.get_absolute_url() in html
    assert "Eligible for disposal from January 1, 2026" in html


def test_dashboard_counts_by_series_and_year(client_as, clerk_user, certificate, eligible_year):
    body = client_as(clerk_user).get(reverse("records:retention-dashboard")).content.decode()
    assert f'<th scope="row">{eligible_year}</th>' in body
    assert "not tracked by the portal yet" in body  # the series still to be wired


def test_dashboard_lists_records_not_dated_yet(client_as, clerk_user, eligible_year):
    """An open FOIA request has no record date (it is dated when it closes)."""
    FoiaRequestFactory()  # open
    FoiaRequestFactory(state="fulfilled", closed_at=chicago(eligible_year))
    response = client_as(clerk_user).get(reverse("records:retention-dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    section = body.split("FOIA requests by calendar year", 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row">{eligible_year}</th><td>1</td>' in section
    assert '<th scope="row">Not dated yet</th><td>1</td>' in section


def test_hold_with_non_ascii_digits_as_record_numbers_shows_the_error(client_as, clerk_user):
    response = client_as(clerk_user).post(
        reverse("records:hold-place"),
        {"name": "H", "kind": "litigation", "reason": "r", "record_ids": "\u00b2", "place": "1"},
    )
    assert response.status_code == 200
    assert "Not record numbers: \u00b2" in response.content.decode()
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize("odd", ["²", "99999999999999999999999"])
def test_record_numbers_that_are_not_plain_numbers_are_an_error_next_to_the_field(client_as, clerk_user, odd):
    response = client_as(clerk_user).post(
        reverse("records:hold-place"),
        {"name": "H", "kind": "litigation", "reason": "r", "record_ids": f"1\n{odd}", "place": "1"},
    )
    assert response.status_code == 200
    assert f"Not record numbers: {odd}" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_a_refused_hold_form_says_at_the_top_which_fields_to_correct(client_as, clerk_user):
    response = client_as(clerk_user).post(
        reverse("records:hold-place"), {"name": "Smith v. City", "record_ids": "abc", "place": "1"}
    )
    page = response.content.decode()
    top = page[page.index("<h1>") : page.index('id="id_name"')]
    assert "Please correct these fields" in top and '<a href="#id_record_ids">' in top
    assert 'value="Smith v. City"' in page

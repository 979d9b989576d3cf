"""A certificate tells the truth when you look: records a hold placed after drafting covers are
shown as excluded, on the page and the printable form, and filing asks the Clerk to confirm it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.portal.calendar import CITY_TZ
from moderation.models import Comment
from records.models import DisposalCertificate
from records.retention import selectors
from records.retention.services import (
    certificate_approve,
    certificate_draft,
    certificate_file,
    legal_hold_place,
    legal_hold_release,
    retention_enforce,
)
from records.series import Scope
from tests.factories import CommentFactory, backdate_draft
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(eligible_year):
    """Three eligible records, two of them about potholes."""
    return [
        CommentFactory(posted_at=chicago(eligible_year, 2, 1), text="pothole on Court Street"),
        CommentFactory(posted_at=chicago(eligible_year, 3, 1), text="another pothole"),
        CommentFactory(posted_at=chicago(eligible_year, 4, 1), text="thank you"),
    ]


@pytest.fixture
def draft(clerk_user, comments, today):
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    backdate_draft(certificate, today - dt.timedelta(days=7))
    return certificate


def place_pothole_hold(clerk_user, name="Doe v. City"):
    return legal_hold_place(
        actor=clerk_user, name=name, reason="Litigation", scopes=[Scope(terms=("pothole",))]
    )


def file_kwargs(certificate, today, **extra):
    filed_on = today - dt.timedelta(days=1)
    return {
        "certificate": certificate,
        "filed_on": filed_on,
        "requested_disposal_date": filed_on + dt.timedelta(days=30),
        **extra,
    }


def statement(body: str) -> str:
    """The printable form's sentence about holds."""
    return body.split('id="holds-statement">', 1)[1].split("</p>", 1)[0]


# --- What the pages show --------------------------------------------------------------------


def test_hold_placed_after_drafting_shows_on_the_detail_page(client_as, clerk_user, draft, comments):
    hold = place_pothole_hold(clerk_user)
    response = client_as(clerk_user).get(draft.get_absolute_url())
    assert response.status_code == 200
    row = response.context["holds"].rows[0]
    assert (row.line.record_count, row.held, row.will_be_destroyed) == (3, 2, 1)
    held = list(response.context["held_page"])
    assert [h.item.record_id for h in held] == [comments[0].pk, comments[1].pk]
    assert all(h.holds == [hold] for h in held)
    body = response.content.decode()
    assert "Listed records under a legal hold now (2)" in body
    assert "1 record will be destroyed under it" in body
    assert f'href="{hold.get_absolute_url()}">Doe v. City</a>' in body


def test_each_held_record_names_the_holds_that_cover_it(client_as, clerk_user, draft, comments):
    first = place_pothole_hold(clerk_user)
    second = legal_hold_place(
        actor=clerk_user, name="Audit", reason="r", scopes=[Scope(terms=("Court Street",))]
    )
    held = list(client_as(clerk_user).get(draft.get_absolute_url()).context["held_page"])
    assert {h.item.record_id: {x.name for x in h.holds} for h in held} == {
        comments[0].pk: {first.name, second.name},
        comments[1].pk: {first.name},
    }


def test_printable_certificate_says_how_many_listed_records_a_hold_excludes(client_as, clerk_user, draft):
    place_pothole_hold(clerk_user)
    response = client_as(clerk_user).get(reverse("records:certificate-print", args=[draft.pk]))
    body = response.content.decode()
    holds = response.context["holds"]
    assert holds.as_of.tzinfo == CITY_TZ  # "as of" is City time
    said = " ".join(statement(body).split())
    assert f"As of {holds.as_of:%B} {holds.as_of.day}, {holds.as_of.year}" in said
    assert said.split(",")[2].split()[-1] in ("CST", "CDT")
    assert "2 of the listed records are covered by a legal hold" in said
    assert "are excluded from this certificate" in said
    assert "not subject to any legal hold" not in body
    # Per series: listed 3, excluded 2, will be destroyed 1.
    assert "<td>3</td>" in body and "<td>2</td><td>1</td>" in body


def test_printable_certificate_without_holds_says_none_is_held(client_as, clerk_user, draft):
    body = client_as(clerk_user).get(reverse("records:certificate-print", args=[draft.pk])).content.decode()
    said = " ".join(statement(body).split())
    assert "none of the listed records is covered by a legal hold" in said
    assert "not subject to any legal hold" not in body
    assert "<td>0</td><td>3</td>" in body


def test_released_hold_no_longer_counts(client_as, clerk_user, draft):
    hold = place_pothole_hold(clerk_user)
    assert selectors.certificate_held_count(draft) == 2
    legal_hold_release(actor=clerk_user, hold=hold, reason="Case settled")
    assert selectors.certificate_held_count(draft) == 0
    body = client_as(clerk_user).get(reverse("records:certificate-print", args=[draft.pk])).content.decode()
    assert "none of the listed records is covered by a legal hold" in " ".join(statement(body).split())


def test_filed_and_approved_certificates_show_holds_live(client_as, clerk_user, draft, today):
    certificate_file(actor=clerk_user, **file_kwargs(draft, today))
    place_pothole_hold(clerk_user)
    client = client_as(clerk_user)
    assert client.get(draft.get_absolute_url()).context["holds"].held == 2
    certificate_approve(
        actor=clerk_user, certificate=draft, approval_number="LRC-1", approved_on=today, approver_name="S"
    )
    assert client.get(draft.get_absolute_url()).context["holds"].rows[0].will_be_destroyed == 1


def test_withdrawn_certificate_shows_no_live_counts(client_as, clerk_user, draft):
    from records.retention.services import certificate_withdraw

    place_pothole_hold(clerk_user)
    certificate_withdraw(actor=clerk_user, certificate=draft, reason="Redo")
    response = client_as(clerk_user).get(reverse("records:certificate-print", args=[draft.pk]))
    assert not response.context["holds"].live
    assert "no record is destroyed under it" in response.content.decode()


def test_detail_page_queries_do_not_grow_with_the_held_records(client_as, clerk_user, eligible_year, today):
    from records.retention.services import certificate_withdraw

    client = client_as(clerk_user)

    def queries_for(count):
        for day in range(count):
            CommentFactory(
                posted_at=chicago(eligible_year, 1, 1) + dt.timedelta(days=day), text=f"round{count}"
            )
        certificate = certificate_draft(actor=clerk_user, as_of=today)
        hold = legal_hold_place(
            actor=clerk_user, name=f"H{count}", reason="r", scopes=[Scope(terms=(f"round{count}",))]
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(certificate.get_absolute_url())
        assert response.context["holds"].held == count
        legal_hold_release(actor=clerk_user, hold=hold, reason="done")
        certificate_withdraw(actor=clerk_user, certificate=certificate, reason="next round")
        return len(captured)

    assert queries_for(3) == queries_for(80)


# --- Filing ---------------------------------------------------------------------------------


def test_filing_is_refused_without_confirmation_when_listed_records_are_held(clerk_user, draft, today):
    place_pothole_hold(clerk_user)
    with pytest.raises(ValidationError) as caught:
        certificate_file(actor=clerk_user, **file_kwargs(draft, today))
    message = caught.value.message_dict["confirm_held_excluded"][0]
    assert "The 2 listed records now under a legal hold are excluded" in message
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.DRAFT and draft.filed_on is None


def test_filing_with_confirmation_records_who_confirmed_what_and_when(clerk_user, draft, today):
    place_pothole_hold(clerk_user)
    certificate_file(actor=clerk_user, **file_kwargs(draft, today, held_excluded_confirmed=2))
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.FILED
    assert draft.held_excluded_count == 2
    assert draft.held_exclusion_confirmed_by == clerk_user
    assert draft.held_exclusion_confirmed_at is not None
    latest = draft.history.order_by("-history_date").first()
    assert latest.history_change_reason == (
        "Filed with the Local Records Commission; the Clerk confirmed that the 2 listed records "
        "under a legal hold are excluded"
    )
    assert latest.held_excluded_count == 2


def test_filing_without_held_records_needs_no_confirmation(clerk_user, draft, today):
    certificate_file(actor=clerk_user, **file_kwargs(draft, today))
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.FILED
    assert draft.held_excluded_count == 0 and draft.held_exclusion_confirmed_by is None


def test_filing_after_the_hold_is_released_needs_no_confirmation(clerk_user, draft, today):
    hold = place_pothole_hold(clerk_user)
    legal_hold_release(actor=clerk_user, hold=hold, reason="Settled")
    certificate_file(actor=clerk_user, **file_kwargs(draft, today))
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.FILED and draft.held_excluded_count == 0


def test_confirmation_of_fewer_records_than_are_held_at_submit_is_refused(clerk_user, draft, today):
    """The Clerk confirmed the 1 record held when the page was loaded; a hold placed since covers 2."""
    legal_hold_place(actor=clerk_user, name="Audit", reason="r", scopes=[Scope(terms=("Court Street",))])
    assert selectors.certificate_held_count(draft) == 1
    place_pothole_hold(clerk_user)
    with pytest.raises(ValidationError) as caught:
        certificate_file(actor=clerk_user, **file_kwargs(draft, today, held_excluded_confirmed=1))
    message = caught.value.message_dict["confirm_held_excluded"][0]
    assert "2 listed records are now under a legal hold, more than the 1 you confirmed" in message
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.DRAFT


def test_confirmation_of_more_records_than_are_held_at_submit_is_refused(clerk_user, draft, today):
    hold = place_pothole_hold(clerk_user)
    legal_hold_place(actor=clerk_user, name="Audit", reason="r", scopes=[Scope(terms=("Court Street",))])
    legal_hold_release(actor=clerk_user, hold=hold, reason="Settled")
    with pytest.raises(ValidationError, match="fewer than the 2 you confirmed"):
        certificate_file(actor=clerk_user, **file_kwargs(draft, today, held_excluded_confirmed=2))


def test_only_the_clerk_files_even_with_confirmation(clerk_user, comms_user, draft, today):
    place_pothole_hold(clerk_user)
    with pytest.raises(PermissionDenied):
        certificate_file(actor=comms_user, **file_kwargs(draft, today, held_excluded_confirmed=2))


# --- Filing through the page ------------------------------------------------------------------


def test_file_form_asks_for_the_confirmation_only_when_listed_records_are_held(client_as, clerk_user, draft):
    client = client_as(clerk_user)
    assert "confirm_held_excluded" not in client.get(draft.get_absolute_url()).content.decode()
    place_pothole_hold(clerk_user)
    body = client.get(draft.get_absolute_url()).content.decode()
    assert "I confirm the 2 records now under a legal hold are excluded from this certificate" in body
    assert 'name="held_on_page" value="2"' in body


def test_filing_through_the_page_with_a_hold_placed_after_the_page_was_loaded(
    client_as, clerk_user, draft, today
):
    client = client_as(clerk_user)
    client.get(draft.get_absolute_url())  # no hold yet: no confirmation asked
    place_pothole_hold(clerk_user)
    filed = today - dt.timedelta(days=1)
    dates = {"filed_on": filed, "requested_disposal_date": filed + dt.timedelta(days=30)}
    refused = client.post(reverse("records:certificate-file", args=[draft.pk]), dates)
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "The 2 listed records now under a legal hold are excluded" in body
    assert "I confirm the 2 records now under a legal hold" in body
    assert DisposalCertificate.objects.get(pk=draft.pk).state == DisposalCertificate.State.DRAFT
    accepted = client.post(
        reverse("records:certificate-file", args=[draft.pk]),
        {**dates, "held_on_page": "2", "confirm_held_excluded": "on"},
    )
    assert accepted.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.FILED and draft.held_excluded_count == 2


def test_a_stale_confirmation_is_refused_and_the_page_asks_about_the_new_count(
    client_as, clerk_user, draft, today
):
    legal_hold_place(actor=clerk_user, name="Audit", reason="r", scopes=[Scope(terms=("Court Street",))])
    client = client_as(clerk_user)
    assert 'name="held_on_page" value="1"' in client.get(draft.get_absolute_url()).content.decode()
    place_pothole_hold(clerk_user)  # placed while the Clerk was filling in the form
    filed = today - dt.timedelta(days=1)
    refused = client.post(
        reverse("records:certificate-file", args=[draft.pk]),
        {
            "filed_on": filed,
            "requested_disposal_date": filed + dt.timedelta(days=30),
            "held_on_page": "1",
            "confirm_held_excluded": "on",
        },
    )
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "more than the 1 you confirmed" in body
    assert 'name="held_on_page" value="2"' in body
    box = body.split('name="confirm_held_excluded"', 1)[1].split(">", 1)[0]
    assert "checked" not in box
    assert DisposalCertificate.objects.get(pk=draft.pk).state == DisposalCertificate.State.DRAFT


def test_other_roles_cannot_file_through_the_page(client_as, comms_user, clerk_user, draft, today):
    place_pothole_hold(clerk_user)
    filed = today - dt.timedelta(days=1)
    response = client_as(comms_user).post(
        reverse("records:certificate-file", args=[draft.pk]),
        {
            "filed_on": filed,
            "requested_disposal_date": filed + dt.timedelta(days=30),
            "held_on_page": "2",
            "confirm_held_excluded": "on",
        },
    )
    assert response.status_code == 403
    assert DisposalCertificate.objects.get(pk=draft.pk).state == DisposalCertificate.State.DRAFT


# --- Destruction ------------------------------------------------------------------------------


def test_destruction_skips_the_records_the_certificate_excludes(
    client_as, clerk_user, draft, comments, today
):
    """Filed with 2 held records confirmed as excluded, approved, due: the purge destroys only the third."""
    place_pothole_hold(clerk_user)
    backdate_draft(draft, today - dt.timedelta(days=62))
    filed = today - dt.timedelta(days=61)
    certificate_file(
        actor=clerk_user,
        certificate=draft,
        filed_on=filed,
        requested_disposal_date=filed + dt.timedelta(days=30),
        held_excluded_confirmed=2,
    )
    certificate_approve(
        actor=clerk_user, certificate=draft, approval_number="LRC-2", approved_on=filed, approver_name="S"
    )
    report = retention_enforce()
    assert report.executions[0].destroyed == 1 and report.executions[0].held == 2
    assert set(Comment.objects.values_list("pk", flat=True)) == {comments[0].pk, comments[1].pk}
    draft.refresh_from_db()
    assert draft.state == DisposalCertificate.State.APPROVED  # the held records wait for release
    holds = client_as(clerk_user).get(draft.get_absolute_url()).context["holds"]
    assert (holds.remaining, holds.held, holds.will_be_destroyed) == (2, 2, 0)

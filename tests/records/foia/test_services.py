"""FOIA request life cycle: holds, letters, answers, closing, and who may act."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from records.foia import services
from records.foia.letters import render_letter
from records.models import FoiaLetterTemplate, FoiaRequest, LegalHold
from records.retention.holds import held_queryset
from records.series import REGISTRY, Scope
from tests.factories import CommenterFactory, CommentFactory, FoiaRequesterFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def _create(clerk, **overrides):
    fields = dict(
        actor=clerk,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel=FoiaRequest.Channel.EMAIL,
        description="Comments about potholes",
        sites=[SiteFactory()],
        search_terms="pothole",
        record_kinds=["captured-items"],
    )
    fields.update(overrides)
    return services.foia_request_create(**fields)


def test_pending_request_holds_its_responsive_records(clerk_user):
    site = SiteFactory()
    commenter = CommenterFactory()
    request = _create(clerk_user, sites=[site], commenters=[commenter], date_from=date(2026, 1, 1))
    hold = request.hold
    assert hold.is_active
    (scope,) = hold.scopes.all()
    assert scope.site_ids == [site.pk] and scope.commenter_ids == [commenter.pk]
    assert scope.date_from == date(2026, 1, 1) and scope.search_terms == "pothole"
    assert scope.series == ["captured-items"]
    assert request.reference in hold.name


def test_the_hold_of_a_request_is_exactly_its_scope(clerk_user):
    """A request with 4 responsive items held 32 when a hold joined its criteria by OR."""
    site = SiteFactory()
    responsive = CommentFactory.create_batch(4, site=site, text="pothole on Court Street")
    CommentFactory.create_batch(20, site=site, text="nice parade")
    CommentFactory.create_batch(8, text="another pothole elsewhere")
    request = _create(
        clerk_user, sites=[site], search_terms="pothole", record_kinds=["captured-items", "removals"]
    )
    scope = Scope.of_request(request)
    for key in ("captured-items", "removals"):
        wanted = set(REGISTRY[key].selected(scope).values_list("pk", flat=True))
        assert set(held_queryset(REGISTRY[key], [request.hold]).values_list("pk", flat=True)) == wanted
    assert set(held_queryset(REGISTRY["captured-items"], [request.hold]).values_list("pk", flat=True)) == {
        comment.pk for comment in responsive
    }
    assert not held_queryset(REGISTRY["violation-reports"], [request.hold]).exists()


def test_request_without_criteria_holds_nothing(clerk_user):
    request = _create(clerk_user, sites=[], search_terms="", record_kinds=["sites"])
    assert request.hold is None


def test_changing_the_scope_moves_the_hold(clerk_user):
    request = _create(clerk_user)
    first = request.hold
    new_site = SiteFactory()
    request = services.foia_request_update(
        actor=clerk_user,
        request=request,
        received_on=request.received_on,
        channel=request.channel,
        description=request.description,
        is_commercial=False,
        sites=[new_site],
        commenters=[],
        date_from=None,
        date_to=None,
        search_terms="pothole",
        record_kinds=request.record_kinds,
    )
    first.refresh_from_db()
    assert not first.is_active
    assert request.hold.scopes.get().site_ids == [new_site.pk]
    assert LegalHold.objects.active().count() == 1


def test_life_cycle_with_letters_and_the_hold_released_on_close(clerk_user):
    request = _create(clerk_user)
    subject, body = render_letter(FoiaLetterTemplate.Kind.ACKNOWLEDGEMENT, request, clerk=clerk_user)
    assert request.reference in subject and "November 23, 2026" in body
    services.foia_request_acknowledge(actor=clerk_user, request=request, subject=subject, body=body)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [request.requester.email]
    services.foia_request_start(actor=clerk_user, request=request)
    subject, body = render_letter(FoiaLetterTemplate.Kind.FULFILMENT, request, clerk=clerk_user)
    services.foia_request_respond(
        actor=clerk_user, request=request, outcome=FoiaRequest.State.FULFILLED, subject=subject, body=body
    )
    request.refresh_from_db()
    assert request.state == FoiaRequest.State.FULFILLED and request.answered_on
    assert request.hold.is_active  # held until closed
    services.foia_request_close(actor=clerk_user, request=request)
    request.refresh_from_db()
    request.hold.refresh_from_db()
    assert request.state == FoiaRequest.State.CLOSED
    assert not request.hold.is_active
    assert [letter.kind for letter in request.letters.all()] == ["acknowledgement", "fulfilment"]
    assert request.history.filter(history_change_reason="FOIA request closed").exists()


def test_denial_cites_each_exemption_with_its_basis(clerk_user):
    request = _create(clerk_user)
    with pytest.raises(ValidationError, match="exemption"):
        services.foia_request_respond(
            actor=clerk_user, request=request, outcome="denied", subject="s", body="b"
        )
    with pytest.raises(ValidationError, match="factual basis"):
        services.foia_request_respond(
            actor=clerk_user,
            request=request,
            outcome="denied",
            subject="s",
            body="b",
            exemptions=[("5 ILCS 140/7(1)(c)", "")],
        )
    exemptions = [("5 ILCS 140/7(1)(c)", "The comments name private persons' medical conditions.")]
    subject, body = render_letter("denial", request, clerk=clerk_user, exemptions=exemptions)
    assert "7(1)(c): The comments name" in body
    assert "Public Access Counselor" in body and "judicial review" in body
    assert clerk_user.get_full_name() in body
    services.foia_request_respond(
        actor=clerk_user, request=request, outcome="denied", subject=subject, body=body, exemptions=exemptions
    )
    request.refresh_from_db()
    assert request.state == "denied" and request.exemptions.count() == 1


def test_withdrawal_releases_the_hold(clerk_user):
    request = _create(clerk_user)
    services.foia_request_withdraw(actor=clerk_user, request=request, subject="Withdrawn", body="Confirmed.")
    request.refresh_from_db()
    request.hold.refresh_from_db()
    assert request.state == "withdrawn" and not request.hold.is_active
    with pytest.raises(ValidationError):
        services.foia_request_start(actor=clerk_user, request=request)


def test_only_the_clerk_handles_requests(comms_user, tst_user):
    for user in (comms_user, tst_user):
        with pytest.raises(PermissionDenied):
            _create(user)
    assert not FoiaRequest.objects.exists()


def test_requester_is_matched_by_email(clerk_user):
    first = services.requester_find_or_create(actor=clerk_user, name="Pat Doe", email="Pat@Example.org")
    again = services.requester_find_or_create(
        actor=clerk_user, name="Pat Doe", email="pat@example.org", organisation="Gazette"
    )
    assert first.pk == again.pk
    again.refresh_from_db()
    assert again.organisation == "Gazette"


def test_letter_template_edit_changes_the_next_letter(clerk_user):
    request = _create(clerk_user)
    template = FoiaLetterTemplate.objects.get(kind="acknowledgement")
    services.foia_letter_template_update(
        actor=clerk_user,
        template=template,
        subject="Got it: $reference",
        body="Hello $requester_name {{ x }}",
    )
    subject, body = render_letter("acknowledgement", request, clerk=clerk_user)
    assert subject == f"Got it: {request.reference}"
    assert body.startswith(f"Hello {request.requester.name} {{{{ x }}}}")


def test_fulfilment_letter_counts_the_exported_records(clerk_user):
    from records.models import FoiaExport

    request = _create(clerk_user)
    FoiaExport.objects.create(
        request=request, requested_by=clerk_user, state="complete", file_name="x.zip", processed_records=42
    )
    subject, body = render_letter("fulfilment", request, clerk=clerk_user)
    assert "The 42 responsive records are enclosed." in body


def test_a_mail_failure_does_not_undo_the_recorded_letter(clerk_user, monkeypatch, caplog):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server gone")

    from records.foia import notifications

    monkeypatch.setattr(notifications.EmailMultiAlternatives, "send", refuse)
    request = _create(clerk_user)
    services.foia_request_acknowledge(actor=clerk_user, request=request, subject="Received", body="Thanks.")
    request.refresh_from_db()
    assert request.state == "acknowledged" and request.letters.count() == 1
    assert "could not be e-mailed" in caplog.text


def test_every_letter_kind_has_its_template_seeded_as_the_defaults_say():
    from records.foia.letters import DEFAULTS

    seeded = {t.kind: (t.subject, t.body) for t in FoiaLetterTemplate.objects.all()}
    assert set(seeded) == set(FoiaLetterTemplate.Kind.values) == set(DEFAULTS)
    for kind, text in DEFAULTS.items():
        assert seeded[kind] == text, kind

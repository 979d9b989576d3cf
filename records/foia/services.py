"""Writes of the FOIA area: each takes the acting Clerk, runs in one transaction and stamps history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.portal import calendar, locks, roles
from config.portal.audit import stamp, system_user
from config.portal.calendar import BusinessCalendar
from records.foia import notifications, selectors
from records.foia.clock import compute_due_date, recurrent_reason
from records.foia.export import check_exportable
from records.foia.redaction import suggest_redactions
from records.foia.tasks import foia_export_build, foia_redaction_scan
from records.models import (
    FoiaDownload,
    FoiaExemption,
    FoiaExport,
    FoiaLetter,
    FoiaLetterTemplate,
    FoiaRequest,
    FoiaRequester,
    FoiaSubmission,
    LegalHold,
    Redaction,
)
from records.retention import services as retention_services
from records.series import REGISTRY
from sites_registry.models import Site

# Kinds whose records the retention schedule can destroy: a pending request holds them.


PUBLIC_SUMMARY_MAX = 2000


class AlreadyLogged(Exception):
    """The same request form was submitted again; ``request`` is the request it logged."""

    def __init__(self, request: FoiaRequest):
        self.request = request
        super().__init__(f"{request.reference} was already logged from this form.")


def _lock(request: FoiaRequest) -> FoiaRequest:
    return FoiaRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)


def _refresh_clock(request: FoiaRequest) -> None:
    request.due_on = compute_due_date(request).due_on


def _require_open(request: FoiaRequest) -> None:
    if not request.is_open:
        raise ValidationError(
            f"{request.reference} is {request.get_state_display().lower()}; it can no longer change."
        )


def requester_find_or_create(*, actor, name: str, email: str = "", **fields) -> FoiaRequester:
    """The requester with this e-mail address (or name, without one), else a new one.

    Recurrent-requester detection (§2(g)) counts requests per requester, so the same
    person must map to one row.
    """
    roles.require_role(actor, roles.CITY_CLERK)
    name, email = name.strip(), email.strip()
    if not name:
        raise ValidationError({"requester_name": "Give the requester's name."})
    existing = (
        FoiaRequester.objects.filter(email__iexact=email).first()
        if email
        else FoiaRequester.objects.filter(name__iexact=name, email="").first()
    )
    if existing is not None:
        changed = False
        for key, value in fields.items():
            if value and getattr(existing, key) != value:
                setattr(existing, key, value)
                changed = True
        if changed:
            stamp(existing, actor=actor, reason="Requester details updated").save()
        return existing
    requester = FoiaRequester(name=name, email=email, **fields)
    stamp(requester, actor=actor, reason="Requester recorded").save()
    return requester


@transaction.atomic
def requester_update(
    *, actor, requester: FoiaRequester, name: str, email: str = "", **fields
) -> FoiaRequester:
    """Correct the details of a request's requester (a misspelt name, a mistyped address).

    The address may not become another requester's: that would make two rows of one person,
    and recurrent-requester detection counts per row.
    """
    roles.require_role(actor, roles.CITY_CLERK)
    name, email = name.strip(), email.strip()
    if not name:
        raise ValidationError({"requester_name": "Give the requester's name."})
    requester = FoiaRequester.objects.select_for_update().get(pk=requester.pk)
    if email:
        other = FoiaRequester.objects.filter(email__iexact=email).exclude(pk=requester.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "requester_email": f"{email} is the address of another requester, {other.name}; "
                    "a request's requester cannot be changed, so log a new request for them."
                }
            )
    changes = {"name": name, "email": email, **fields}
    changed = [key for key, value in changes.items() if getattr(requester, key) != value]
    if changed:
        for key in changed:
            setattr(requester, key, changes[key])
        stamp(requester, actor=actor, reason="Requester details updated").save()
    return requester


def _validate_scope(*, received_on, date_from, date_to, record_kinds) -> dict[str, str]:
    errors: dict[str, str] = {}
    if received_on and received_on > calendar.today():
        errors["received_on"] = "The received date cannot be in the future."
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = "The end of the date range is before its start."
    unknown = [kind for kind in record_kinds if kind not in REGISTRY]
    if unknown:
        errors["record_kinds"] = f"Unknown kinds of record: {', '.join(unknown)}."
    return errors


def _place_hold(actor, request: FoiaRequest) -> None:
    """A pending request holds its responsive records (PAC opinion 19-013)."""
    scope = selectors.request_scope(request)
    # A request without criteria returns nothing (its export is refused), so it holds nothing.
    if request.hold_id or not scope.series or not scope.has_criteria:
        return
    request.hold = retention_services.legal_hold_place(
        actor=actor,
        name=f"{request.reference} (FOIA request)",
        reason=(
            f"Responsive records of pending FOIA request {request.reference} "
            "(5 ILCS 140; PAC opinion 19-013)."
        ),
        scopes=[scope],
        kind=LegalHold.Kind.FOIA_REQUEST,
        reference=request.reference,
    )


def _release_hold(actor, request: FoiaRequest, reason: str) -> None:
    if request.hold_id and request.hold.released_at is None:
        retention_services.legal_hold_release(
            actor=actor, hold=request.hold, reason=reason, by_foia_request=True
        )


@transaction.atomic
def foia_request_create(
    *,
    actor,
    requester: FoiaRequester,
    received_on: date,
    channel: str,
    description: str,
    is_commercial: bool = False,
    sites: Iterable = (),
    commenters: Iterable = (),
    date_from: date | None = None,
    date_to: date | None = None,
    search_terms: str = "",
    record_kinds: Iterable[str] = (),
    assignee=None,
    notes: str = "",
    submission_token: uuid.UUID | None = None,
    original_email: str = "",
) -> FoiaRequest:
    """Log a request. With ``submission_token`` (the form's), the same submission sent
    again raises ``AlreadyLogged`` naming the request it logged, and logs nothing."""
    roles.require_role(actor, roles.CITY_CLERK)
    return _create_request(
        actor=actor,
        requester=requester,
        received_on=received_on,
        channel=channel,
        description=description,
        is_commercial=is_commercial,
        sites=sites,
        commenters=commenters,
        date_from=date_from,
        date_to=date_to,
        search_terms=search_terms,
        record_kinds=record_kinds,
        assignee=assignee or actor,
        notes=notes,
        submission_token=submission_token,
        original_email=original_email,
    )


def _create_request(
    *,
    actor,
    requester: FoiaRequester,
    received_on: date,
    channel: str,
    description: str,
    is_commercial: bool,
    sites: Iterable,
    commenters: Iterable,
    date_from: date | None,
    date_to: date | None,
    search_terms: str,
    record_kinds: Iterable[str],
    assignee,
    notes: str,
    submission_token: uuid.UUID | None = None,
    original_email: str = "",
    requester_name_public: bool = False,
    reason: str = "FOIA request received",
) -> FoiaRequest:
    if submission_token is not None:
        locks.foia_submission(str(submission_token))
        logged = FoiaRequest.objects.filter(submission_token=submission_token).first()
        if logged is not None:
            raise AlreadyLogged(logged)
    record_kinds = list(dict.fromkeys(record_kinds))
    errors = _validate_scope(
        received_on=received_on, date_from=date_from, date_to=date_to, record_kinds=record_kinds
    )
    if not description.strip():
        errors["description"] = "Record what was asked for."
    if errors:
        raise ValidationError(errors)
    request = FoiaRequest(
        requester=requester,
        received_on=received_on,
        channel=channel,
        description=description.strip(),
        is_commercial=is_commercial,
        date_from=date_from,
        date_to=date_to,
        search_terms=search_terms.strip(),
        record_kinds=record_kinds,
        assignee=assignee,
        notes=notes.strip(),
        submission_token=submission_token,
        original_email=original_email.strip(),
        requester_name_public=requester_name_public,
    )
    request.recurrent_detected = recurrent_reason(requester, received_on)
    _refresh_clock(request)
    stamp(request, actor=actor, reason=reason)
    request.save()
    request.sites.set(sites)
    request.commenters.set(commenters)
    _place_hold(actor, request)
    if request.hold_id:
        stamp(request, actor=actor, reason="Responsive records held")
        request.save()
    return request


@transaction.atomic
def foia_request_update(
    *,
    actor,
    request: FoiaRequest,
    received_on: date,
    channel: str,
    description: str,
    is_commercial: bool,
    sites: Iterable,
    commenters: Iterable,
    date_from: date | None,
    date_to: date | None,
    search_terms: str,
    record_kinds: Iterable[str],
    assignee=None,
    notes: str = "",
    original_email: str | None = None,
) -> FoiaRequest:
    """Correct the details or the scope; a changed scope re-places the hold on the new scope."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    record_kinds = list(dict.fromkeys(record_kinds))
    errors = _validate_scope(
        received_on=received_on, date_from=date_from, date_to=date_to, record_kinds=record_kinds
    )
    if not description.strip():
        errors["description"] = "Record what was asked for."
    if errors:
        raise ValidationError(errors)
    sites, commenters = list(sites), list(commenters)
    old_scope = (
        set(request.sites.values_list("pk", flat=True)),
        set(request.commenters.values_list("pk", flat=True)),
        request.date_from,
        request.date_to,
        request.search_terms,
        tuple(sorted(request.record_kinds)),
    )
    request.received_on = received_on
    request.channel = channel
    request.description = description.strip()
    request.is_commercial = is_commercial
    request.date_from, request.date_to = date_from, date_to
    request.search_terms = search_terms.strip()
    request.record_kinds = record_kinds
    request.assignee = assignee or request.assignee
    request.notes = notes.strip()
    if original_email is not None:
        request.original_email = original_email.strip()
    request.recurrent_detected = recurrent_reason(request.requester, received_on, exclude_pk=request.pk)
    _refresh_clock(request)
    request.sites.set(sites)
    request.commenters.set(commenters)
    new_scope = (
        {s.pk for s in sites},
        {c.pk for c in commenters},
        date_from,
        date_to,
        request.search_terms,
        tuple(sorted(record_kinds)),
    )
    if new_scope != old_scope and request.hold_id:
        _release_hold(
            actor, request, f"Scope of {request.reference} changed; a new hold covers the new scope."
        )
        request.hold = None
    _place_hold(actor, request)
    stamp(request, actor=actor, reason="FOIA request details updated")
    request.save()
    return request


def _letter(*, actor, request: FoiaRequest, kind: str, subject: str, body: str) -> FoiaLetter:
    if not subject.strip() or not body.strip():
        raise ValidationError({"body": "The letter needs a subject and a text."})
    if "\n" in subject or "\r" in subject:
        raise ValidationError({"subject": "The subject must be one line."})
    letter = FoiaLetter(
        request=request,
        kind=kind,
        subject=subject.strip(),
        body=body.strip() + "\n",
        sent_on=calendar.today(),
        sent_by=actor,
        emailed_to=request.requester.email,
    )
    stamp(letter, actor=actor, reason=f"{letter.get_kind_display()} letter sent")
    letter.save()
    if letter.emailed_to:
        transaction.on_commit(lambda: _email_letter(letter))
    return letter


def _email_letter(letter: FoiaLetter) -> None:
    # After commit: the letter is on the request whatever the mail server says; a failure
    # is logged (notifications) for the Clerk to send it by hand rather than undoing the action.
    notifications.email_letter(letter)


def _transition(actor, request: FoiaRequest, state: str, reason: str) -> None:
    request.state = state
    stamp(request, actor=actor, reason=reason)
    request.save()


@transaction.atomic
def foia_request_acknowledge(*, actor, request: FoiaRequest, subject: str, body: str) -> FoiaLetter:
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    if request.state != FoiaRequest.State.RECEIVED:
        raise ValidationError(f"{request.reference} was already acknowledged.")
    letter = _letter(
        actor=actor, request=request, kind=FoiaLetterTemplate.Kind.ACKNOWLEDGEMENT, subject=subject, body=body
    )
    _transition(actor, request, FoiaRequest.State.ACKNOWLEDGED, "FOIA request acknowledged")
    return letter


@transaction.atomic
def foia_request_start(*, actor, request: FoiaRequest) -> FoiaRequest:
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    if request.state not in (FoiaRequest.State.RECEIVED, FoiaRequest.State.ACKNOWLEDGED):
        raise ValidationError(f"{request.reference} is {request.get_state_display().lower()}.")
    _transition(actor, request, FoiaRequest.State.IN_PROGRESS, "Work on the FOIA request started")
    return request


@transaction.atomic
def foia_request_extend(
    *, actor, request: FoiaRequest, reason: str, days: int, subject: str, body: str, today: date | None = None
) -> FoiaLetter:
    """Extend by up to 5 business days for a §3(e) reason, noticed in writing before the due date."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    today = today or calendar.today()
    due = compute_due_date(request)
    errors: dict[str, str] = {}
    if request.extension_reason:
        errors["__all__"] = f"{request.reference} was already extended once; §3(e) allows one extension."
    elif request.is_commercial or request.is_recurrent:
        errors["__all__"] = (
            "§3(e) extends the 5-business-day period of §3(d); this request already has 21 business days "
            "(§3.1 / §3.2). Agree a later date in writing instead."
        )
    elif today > due.original_due_on:
        errors["__all__"] = (
            f"The original due date, {due.original_due_on:%B %-d, %Y}, has passed: §3(e) allows an extension "
            "only by written notice within the original period."
        )
    if reason not in FoiaRequest.ExtensionReason.values:
        errors["reason"] = "Choose one of the seven reasons of 5 ILCS 140 §3(e)."
    if not isinstance(days, int) or not 1 <= days <= FoiaRequest.EXTENSION_MAX:
        errors["days"] = "An extension is 1 to 5 business days."
    if errors:
        raise ValidationError(errors)
    request.extension_reason = reason
    request.extension_days = days
    request.extension_noticed_on = today
    _refresh_clock(request)
    stamp(request, actor=actor, reason=f"Time to respond extended by {days} business days under §3(e)")
    request.save()
    return _letter(
        actor=actor, request=request, kind=FoiaLetterTemplate.Kind.EXTENSION, subject=subject, body=body
    )


@transaction.atomic
def foia_request_agree_date(
    *, actor, request: FoiaRequest, agreed_due_on: date, agreed_in_writing: str
) -> FoiaRequest:
    """Record a later response date the requester agreed to in writing (§3(e), last paragraph)."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    errors = {}
    if not agreed_in_writing.strip():
        errors["agreed_in_writing"] = "Say where the requester's written agreement is (e-mail, letter, date)."
    if agreed_due_on is None or agreed_due_on <= request.due_on:
        errors["agreed_due_on"] = (
            f"The agreed date must be later than the current due date, {request.due_on:%B %-d, %Y}."
        )
    if errors:
        raise ValidationError(errors)
    request.agreed_due_on = agreed_due_on
    request.agreed_in_writing = agreed_in_writing.strip()
    _refresh_clock(request)
    stamp(request, actor=actor, reason="Later response date agreed in writing")
    request.save()
    return request


@transaction.atomic
def foia_request_confirm_recurrent(
    *, actor, request: FoiaRequest, subject: str, body: str, today: date | None = None
) -> FoiaRequest:
    """The Clerk confirms the detected recurrent-requester status (§3.2): 21 business days.

    The confirmation is the written notice of §3.2(b) (that the request is treated as
    recurrent, why, and that the initial response comes within 21 business days): the
    letter is recorded with it. It must go within 5 business days after receipt; after
    that the 5-business-day period of §3(d) stands.
    """
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    today = today or calendar.today()
    if not request.recurrent_detected:
        raise ValidationError("The requester's history does not meet the recurrent requester test of §2(g).")
    if request.is_recurrent:
        raise ValidationError("The recurrent requester status is already confirmed.")
    notice_by = BusinessCalendar().add_business_days(request.received_on, FoiaRequest.STANDARD_PERIOD)
    if today > notice_by:
        raise ValidationError(
            f"§3.2(b) requires notice within 5 business days after receipt (by {notice_by:%B %-d, %Y}); "
            "the request keeps the 5-business-day period of §3(d)."
        )
    request.recurrent_confirmed_by = actor
    request.recurrent_confirmed_at = timezone.now()
    _refresh_clock(request)
    _letter(actor=actor, request=request, kind=FoiaLetterTemplate.Kind.RECURRENT, subject=subject, body=body)
    stamp(request, actor=actor, reason="Recurrent requester status confirmed (§3.2)")
    request.save()
    return request


@transaction.atomic
def foia_request_respond(
    *,
    actor,
    request: FoiaRequest,
    outcome: str,
    subject: str,
    body: str,
    exemptions: Iterable[tuple[str, str]] = (),
) -> FoiaLetter:
    """Answer the request: fulfilled, partially fulfilled or denied, with the letter sent."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    exemptions = [(c.strip(), b.strip()) for c, b in exemptions if c.strip() or b.strip()]
    kinds = {
        FoiaRequest.State.FULFILLED: FoiaLetterTemplate.Kind.FULFILMENT,
        FoiaRequest.State.PARTIALLY_FULFILLED: FoiaLetterTemplate.Kind.PARTIAL,
        FoiaRequest.State.DENIED: FoiaLetterTemplate.Kind.DENIAL,
    }
    if outcome not in kinds:
        raise ValidationError({"outcome": "Choose fulfilled, partially fulfilled or denied."})
    if outcome != FoiaRequest.State.FULFILLED:
        # §9(a): a denial names each exemption claimed and its factual basis.
        if not exemptions:
            raise ValidationError(
                {"exemptions": "A denial must cite each exemption with its factual basis (§9(a))."}
            )
        if any(not citation or not basis for citation, basis in exemptions):
            raise ValidationError(
                {"exemptions": "Each exemption needs both its citation and its factual basis."}
            )
    for citation, basis in exemptions:
        stamp(
            FoiaExemption(request=request, citation=citation, factual_basis=basis),
            actor=actor,
            reason="Exemption cited",
        ).save()
    letter = _letter(actor=actor, request=request, kind=kinds[outcome], subject=subject, body=body)
    request.answered_on = calendar.today()
    _transition(actor, request, outcome, f"FOIA request {FoiaRequest.State(outcome).label.lower()}")
    return letter


@transaction.atomic
def foia_request_withdraw(*, actor, request: FoiaRequest, subject: str, body: str) -> FoiaLetter:
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    letter = _letter(
        actor=actor, request=request, kind=FoiaLetterTemplate.Kind.WITHDRAWAL, subject=subject, body=body
    )
    _release_hold(actor, request, f"{request.reference} was withdrawn by the requester.")
    request.closed_at = timezone.now()
    _transition(actor, request, FoiaRequest.State.WITHDRAWN, "FOIA request withdrawn")
    return letter


@transaction.atomic
def foia_request_close(
    *, actor, request: FoiaRequest, note: str = "", public_log: bool = False, public_summary: str = ""
) -> FoiaRequest:
    """Close an answered request; its hold on the responsive records is released.

    With ``public_log`` the request is listed in the public log of requests, under the
    Clerk's ``public_summary`` (never the requester's own words, which may name people).
    """
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    if request.state not in FoiaRequest.ANSWERED_STATES:
        raise ValidationError(
            f"Only an answered request can be closed; {request.reference} is "
            f"{request.get_state_display().lower()}."
        )
    if public_log and not public_summary.strip():
        raise ValidationError({"public_summary": "Write the summary the public log shows for this request."})
    if len(public_summary) > PUBLIC_SUMMARY_MAX:
        raise ValidationError({"public_summary": f"Keep the summary under {PUBLIC_SUMMARY_MAX} characters."})
    _release_hold(actor, request, f"{request.reference} is closed.")
    if note.strip():
        request.notes = (request.notes + "\n\n" + note.strip()).strip()
    request.public_log = public_log
    request.public_summary = public_summary.strip() if public_log else ""
    request.closed_at = timezone.now()
    _transition(actor, request, FoiaRequest.State.CLOSED, "FOIA request closed")
    return request


@transaction.atomic
def foia_letter_template_update(
    *, actor, template: FoiaLetterTemplate, subject: str, body: str
) -> FoiaLetterTemplate:
    roles.require_role(actor, roles.CITY_CLERK)
    if not subject.strip() or not body.strip():
        raise ValidationError({"body": "A letter template needs a subject and a text."})
    template.subject, template.body = subject.strip(), body.strip() + "\n"
    stamp(template, actor=actor, reason="Letter template edited")
    template.save()
    return template


# --- Redactions -------------------------------------------------------------------------


def _lock_for_scan(actor, request: FoiaRequest) -> FoiaRequest:
    """The Clerk's open request, locked, whose scope selects records to scan."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    if selectors.scope_is_empty(request):
        raise ValidationError("The request's scope is empty: there are no records to scan.")
    return request


@transaction.atomic
def foia_redaction_scan_start(*, actor, request: FoiaRequest) -> FoiaRequest:
    """Queue the private-information scan of the responsive records (a task: it reads every record)."""
    request = _lock_for_scan(actor, request)
    request.redaction_scan_requested_at = timezone.now()
    stamp(request, actor=actor, reason="Private-information scan requested")
    request.save()
    foia_redaction_scan.delay_on_commit(request.pk, actor.pk)
    return request


@transaction.atomic
def foia_redactions_suggest(*, actor, request: FoiaRequest) -> int:
    """Suggest a redaction for every piece of private information (§2(c-5)) in the scope's text."""
    return suggest_redactions(_lock_for_scan(actor, request), actor=actor)


@transaction.atomic
def redaction_decide(
    *, actor, redaction: Redaction, accept: bool, exemption: str, note: str = ""
) -> Redaction:
    roles.require_role(actor, roles.CITY_CLERK)
    redaction = Redaction.objects.select_for_update().select_related("request").get(pk=redaction.pk)
    _require_open(redaction.request)
    if exemption not in Redaction.Exemption.values:
        raise ValidationError({"exemption": "Tag the redaction §7(1)(b) or §7(1)(c)."})
    redaction.state = Redaction.State.ACCEPTED if accept else Redaction.State.REJECTED
    redaction.exemption = exemption
    if note.strip():
        redaction.note = note.strip()
    redaction.decided_by = actor
    redaction.decided_at = timezone.now()
    stamp(redaction, actor=actor, reason="Redaction accepted" if accept else "Redaction rejected")
    redaction.save()
    return redaction


@transaction.atomic
def redaction_undecide(*, actor, redaction: Redaction) -> Redaction:
    """Undo of accept or reject: the suggestion is open again (a redaction the Clerk added is
    rejected instead, as it was never suggested)."""
    roles.require_role(actor, roles.CITY_CLERK)
    redaction = Redaction.objects.select_for_update().select_related("request").get(pk=redaction.pk)
    _require_open(redaction.request)
    if redaction.state == Redaction.State.SUGGESTED:
        return redaction
    redaction.state = Redaction.State.SUGGESTED
    redaction.decided_by = None
    redaction.decided_at = None
    stamp(redaction, actor=actor, reason="Decision undone: suggested again")
    redaction.save()
    return redaction


@transaction.atomic
def redactions_accept(
    *, actor, request: FoiaRequest, redaction_ids: Iterable[int], exemption: str
) -> list[Redaction]:
    """Several suggestions accepted at once under one exemption (each stamped, all or none)."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    chosen = list(
        request.redactions.select_for_update()
        .filter(pk__in=list(redaction_ids), state=Redaction.State.SUGGESTED)
        .order_by("pk")
    )
    return [
        redaction_decide(actor=actor, redaction=redaction, accept=True, exemption=exemption)
        for redaction in chosen
    ]


@transaction.atomic
def redaction_add(
    *,
    actor,
    request: FoiaRequest,
    record_kind: str,
    record_id: int | None,
    field: str,
    text: str,
    exemption: str,
    note: str,
) -> Redaction:
    """The Clerk withholds a piece of a responsive record the detector did not suggest.

    Without a record number, the first record of the request whose ``field`` holds the text is
    named (accepted text is withheld from every file wherever it occurs; the log names a record)."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    _require_open(request)
    errors: dict[str, str] = {}
    spec = REGISTRY.get(record_kind)
    if spec is None or record_kind not in request.record_kinds:
        errors["record_kind"] = "Choose a kind of record in the request's scope."
    if exemption not in Redaction.Exemption.values:
        errors["exemption"] = "Tag the redaction §7(1)(b) or §7(1)(c)."
    if not text.strip():
        errors["text"] = "Give the text to withhold."
    if not note.strip():
        errors["note"] = "Say why this text is withheld."
    if errors:
        raise ValidationError(errors)
    if field not in spec.columns:
        raise ValidationError(
            {"field": f"{spec.label} have no field “{spec.column_labels.get(field, field)}”."}
        )
    if record_id is None:
        record = _find_record_with_text(spec, request, field, text.strip())
        if record is None:
            raise ValidationError(
                {"text": f"That text occurs in no {spec.column_labels[field]} of the {spec.label.lower()}."}
            )
        record_id = record.id
    record = _find_record(spec, request, record_id)
    if record is None:
        raise ValidationError(
            {"record_id": f"No {spec.label.lower()} #{record_id} is in the request's scope."}
        )
    if text.strip().casefold() not in record.values[field].casefold():
        raise ValidationError({"text": f"That text does not occur in the {field} of record #{record_id}."})
    # Not get_or_create: its unstamped save would write a history row without the Clerk.
    # The request is locked, so no other transaction adds the same redaction meanwhile.
    same = {"request": request, "record_kind": record_kind, "record_id": record_id, "field": field}
    redaction = Redaction.objects.filter(**same, text=text.strip()).first() or Redaction(
        **same, text=text.strip()
    )
    redaction.state = Redaction.State.ACCEPTED
    redaction.exemption = exemption
    redaction.note = note.strip()
    redaction.finding = redaction.finding or "added by the Clerk"
    redaction.decided_by = actor
    redaction.decided_at = timezone.now()
    stamp(redaction, actor=actor, reason="Redaction added by the Clerk")
    redaction.save()
    return redaction


def _find_record_with_text(spec, request: FoiaRequest, field: str, text: str):
    wanted = text.casefold()
    for record in spec.rows(selectors.request_scope(request)):
        if wanted in record.values[field].casefold():
            return record
    return None


def _find_record(spec, request: FoiaRequest, record_id: int):
    queryset = (
        spec.selected(selectors.request_scope(request)).filter(pk=record_id).values_list(*spec.value_fields)
    )
    row = queryset.first()
    return spec.build([row])[0] if row else None


# --- Exports ----------------------------------------------------------------------------


@transaction.atomic
def foia_export_start(*, actor, request: FoiaRequest) -> FoiaExport:
    """Queue an export bundle; the task is sent after commit."""
    roles.require_role(actor, roles.CITY_CLERK)
    request = _lock(request)
    check_exportable(request)
    export = FoiaExport(request=request, requested_by=actor)
    stamp(export, actor=actor, reason="Export bundle requested")
    export.save()
    foia_export_build.delay_on_commit(export.pk)
    return export


@transaction.atomic
def foia_export_record_download(*, actor, export: FoiaExport, ip_address: str | None = None) -> FoiaDownload:
    roles.require_role(actor, roles.CITY_CLERK)
    if export.state != FoiaExport.State.COMPLETE:
        raise ValidationError("This export bundle is not complete.")
    download = FoiaDownload(export=export, user=actor, downloaded_at=timezone.now(), ip_address=ip_address)
    stamp(download, actor=actor, reason="Export bundle downloaded")
    download.save()
    return download


@transaction.atomic
def foia_export_release(*, actor, export: FoiaExport) -> FoiaExport:
    """Release a complete bundle to the requester: their status page offers it for download.

    The requester gets exactly this file (redactions applied when it was built); a bundle is
    released once, and never for a denied or withdrawn request.
    """
    roles.require_role(actor, roles.CITY_CLERK)
    export = FoiaExport.objects.select_for_update().select_related("request__requester").get(pk=export.pk)
    request = export.request
    if export.state != FoiaExport.State.COMPLETE:
        raise ValidationError("Only a complete export bundle can be released.")
    if export.released_at is not None:
        raise ValidationError(
            f"This bundle was already released on {calendar.local_date(export.released_at):%B %-d, %Y}."
        )
    if request.state in (FoiaRequest.State.DENIED, FoiaRequest.State.WITHDRAWN):
        raise ValidationError(
            f"{request.reference} is {request.get_state_display().lower()}: nothing is released."
        )
    export.released_at = timezone.now()
    export.released_by = actor
    stamp(export, actor=actor, reason="Export bundle released to the requester")
    export.save()
    if request.requester.email:
        transaction.on_commit(lambda: notifications.email_release(export))
    return export


@transaction.atomic
def foia_export_record_requester_download(*, export: FoiaExport) -> FoiaDownload:
    """The requester downloaded a released bundle from their status page (recorded as the
    portal's system user, naming the requester; no IP address is kept of a member of the public)."""
    if export.state != FoiaExport.State.COMPLETE or export.released_at is None:
        raise ValidationError("This export bundle is not released.")
    actor = system_user()
    download = FoiaDownload(
        export=export, user=actor, requester=export.request.requester, downloaded_at=timezone.now()
    )
    stamp(download, actor=actor, reason="Released bundle downloaded by the requester")
    download.save()
    return download


# --- Requests from the public form ------------------------------------------------------


def foia_request_receive_online(*, submission: FoiaSubmission) -> FoiaRequest:
    """Log a request sent on the public form, whose e-mail address was just confirmed.

    Runs in the caller's transaction (``records.foia_public.services``). Received on the City
    day of the confirmation (America/Chicago); the clock of §3(d) counts from the next business
    day as for any request, so a confirmation on a Saturday or a closure day starts the count on
    the next business day. Recorded as the portal's system user; the requester's details on file
    are never overwritten by a web form (only empty ones are filled in).
    """
    actor = system_user()
    requester = FoiaRequester.objects.filter(email__iexact=submission.email).order_by("pk").first()
    if requester is None:
        requester = FoiaRequester(
            name=submission.name,
            organisation=submission.organisation,
            kind=submission.kind,
            email=submission.email,
            postal_address=submission.postal_address,
        )
        stamp(requester, actor=actor, reason="Requester recorded from the public request form")
        requester.save()
    else:
        filled = False
        for field in ("organisation", "postal_address"):
            if not getattr(requester, field) and getattr(submission, field):
                setattr(requester, field, getattr(submission, field))
                filled = True
        if filled:
            stamp(requester, actor=actor, reason="Requester details completed from the public request form")
            requester.save()
    sites = Site.objects.filter(
        pk__in=submission.site_ids, state__in=[Site.State.APPROVED, Site.State.RETIRED]
    )
    return _create_request(
        actor=actor,
        requester=requester,
        received_on=calendar.today(),
        channel=FoiaRequest.Channel.WEB_FORM,
        description=submission.description,
        is_commercial=submission.is_commercial,
        sites=list(sites),
        commenters=(),
        date_from=submission.date_from,
        date_to=submission.date_to,
        search_terms="",
        record_kinds=(),
        assignee=None,
        notes="",
        requester_name_public=submission.name_public,
        reason="FOIA request received on the public form (e-mail address confirmed)",
    )

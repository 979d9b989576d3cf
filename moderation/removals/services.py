"""Writes for removals, reports, referrals, notices and account restrictions.

Each service takes the acting user, checks the role the ordinance gives the job, runs in
one transaction, locks the row it changes and re-checks its state, and records who and
why in history. E-mail to the Communications Office goes out after commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.portal import roles
from config.portal.audit import stamp
from config.portal.calendar import BusinessCalendar
from moderation.capture.models import Comment
from moderation.removals.models import (
    NOTICE_PLACEHOLDERS,
    POLICY_TEXT,
    VIEWPOINT_SENSITIVE,
    AccountRestriction,
    CommenterNotice,
    IllinoisStatute,
    NoticeTemplate,
    ProhibitedCategory,
    Referral,
    Removal,
    RemovalCategory,
    ViolationReport,
)
from moderation.removals.notifications import notify_communications_office
from sites_registry.models import Platform


class RecordChanged(ValidationError):
    """Someone else changed the record since the form was opened: nothing was saved."""


# --- helpers ------------------------------------------------------------------------


def report_due_date(notified_at: datetime, calendar: BusinessCalendar | None = None) -> date:
    """The date by which the Communications Office must resolve a report (business days)."""
    calendar = calendar or BusinessCalendar()
    return calendar.add_business_days(
        timezone.localdate(notified_at), settings.MODERATION_REPORT_RESPONSE_BUSINESS_DAYS
    )


def _clean_categories(categories: Iterable[str], *, required: bool = True) -> list[str]:
    values = list(dict.fromkeys(categories))
    if required and not values:
        raise ValidationError({"categories": "Choose at least one prohibited category of Sec. V."})
    unknown = [value for value in values if value not in ProhibitedCategory.values]
    if unknown:
        raise ValidationError({"categories": f"Not a category of Sec. V: {', '.join(unknown)}."})
    return [ProhibitedCategory(value) for value in ProhibitedCategory.values if value in values]


def _check_version(record, expected_version: int | None, what: str) -> None:
    if expected_version is not None and record.version != expected_version:
        raise RecordChanged(
            f"This {what} was changed by someone else since you opened it "
            f"(now: {record.get_state_display()}). "
            "Nothing was saved; look at the current version and try again."
        )


# --- removals -----------------------------------------------------------------------


def _removal_errors(*, categories, action, reason) -> tuple[list[str], dict]:
    errors: dict[str, str] = {}
    try:
        cleaned = _clean_categories(categories)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        cleaned = []
    if action not in Removal.Action.values:
        errors["action"] = "Say whether the item was hidden or deleted on the platform."
    if not (reason or "").strip():
        errors["reason"] = "Give a content-neutral reason tied to the policy."
    return cleaned, errors


def _create_one_removal(*, actor, comment: Comment, categories, action, reason, now) -> Removal:
    comment = (
        Comment.objects.select_for_update(of=("self",)).select_related("author", "site").get(pk=comment.pk)
    )
    if comment.kind == Comment.Kind.CITY_POST or (comment.kind == Comment.Kind.REPOST and comment.from_city):
        raise ValidationError("A City post is not a User Comment; it is not removed under Sec. V.")
    if comment.kind == Comment.Kind.REFERENCED:
        raise ValidationError(
            "A referenced post was not written on a City site (it is kept because a captured item "
            "quotes, reposts or answers it); it is not removed under Sec. V."
        )
    existing = Removal.objects.in_force().filter(comment=comment).first()
    if existing is not None:
        raise ValidationError(
            f"Item {comment.platform_item_id} was already removed (removal #{existing.pk}); "
            "it cannot be removed twice."
        )
    author = comment.author
    needs_review = any(category in VIEWPOINT_SENSITIVE for category in categories)
    removal = Removal(
        comment=comment,
        site=comment.site,
        action=action,
        reason=reason.strip(),
        removed_by=actor,
        removed_at=now,
        retained_platform_item_id=comment.platform_item_id,
        retained_text=comment.text,
        retained_posted_at=comment.posted_at,
        retained_poster_id=author.platform_user_id if author else "",
        retained_poster_name=author.display_name if author else "",
        retained_poster_profile_url=author.profile_url if author else "",
        retained_permalink=comment.permalink,
        review_status=Removal.ReviewStatus.PENDING if needs_review else Removal.ReviewStatus.NOT_REQUIRED,
    )
    stamp(removal, actor=actor, reason="Item removed under Sec. V")
    try:
        with transaction.atomic():
            removal.save()
    except IntegrityError:
        raise ValidationError(
            f"Item {comment.platform_item_id} was already removed; it cannot be removed twice."
        ) from None
    for category in categories:
        stamp(
            RemovalCategory(removal=removal, category=category), actor=actor, reason="Removal category"
        ).save()
    comment.platform_state = action
    stamp(comment, actor=actor, reason=f"Removed (removal #{removal.pk})").save(
        update_fields=["platform_state", "updated_at"]
    )
    report = ViolationReport(
        removal=removal,
        comment=comment,
        site=comment.site,
        suspected_categories=list(categories),
        concern=removal.reason,
        reported_by=actor,
        notified_at=now,
        due_date=report_due_date(now),
    )
    stamp(
        report, actor=actor, reason="Reported to the Communications Office with the removal (Sec. VI)"
    ).save()
    return removal


@transaction.atomic
def removal_create(
    *, actor, comment: Comment, categories: Iterable[str], action: str, reason: str
) -> Removal:
    """Log a removal by TST; the Communications Office is reported to at once (Sec. VI)."""
    removals = removal_create_bulk(
        actor=actor, comments=[comment], categories=categories, action=action, reason=reason
    )
    return removals[0]


@transaction.atomic
def removal_create_bulk(
    *, actor, comments: Sequence[Comment], categories: Iterable[str], action: str, reason: str
) -> list[Removal]:
    """Several items removed for the same reason: still one removal (and report) per item.

    All or nothing: if one item cannot be removed, none is, and the message says which.
    """
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    cleaned, errors = _removal_errors(categories=categories, action=action, reason=reason)
    comments = list(comments)
    if not comments:
        errors["comments"] = "Choose at least one item to remove."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    removals = []
    # A stable lock order (by id) keeps two overlapping bulk removals from deadlocking.
    for comment in sorted(comments, key=lambda c: c.pk):
        removals.append(
            _create_one_removal(
                actor=actor, comment=comment, categories=cleaned, action=action, reason=reason, now=now
            )
        )
    notify_communications_office([removal.report for removal in removals])
    return removals


def _reinstate(*, actor, removal: Removal, reason: str, now) -> None:
    removal.reinstated_by = actor
    removal.reinstated_at = now
    removal.reinstatement_reason = reason
    comment = removal.comment
    if comment is not None and removal.action == Removal.Action.HIDDEN:
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.platform_state == Comment.PlatformState.HIDDEN:
            comment.platform_state = Comment.PlatformState.VISIBLE
            stamp(comment, actor=actor, reason=f"Reinstated (removal #{removal.pk})").save(
                update_fields=["platform_state", "updated_at"]
            )


@transaction.atomic
def removal_second_review(*, actor, removal: Removal, decision: str, note: str) -> Removal:
    """The Communications Office upholds or reinstates a viewpoint-sensitive removal.

    The linked report is resolved with the same outcome if it is still open.
    """
    roles.require_role(actor, roles.COMMUNICATIONS_OFFICE)
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    if removal.review_status != Removal.ReviewStatus.PENDING:
        raise RecordChanged(
            f"Removal #{removal.pk} is not awaiting second review any more "
            f"({removal.get_review_status_display()})."
        )
    if decision not in (Removal.ReviewStatus.UPHELD, Removal.ReviewStatus.REINSTATED):
        raise ValidationError({"decision": "Uphold the removal or reinstate the item."})
    if not note.strip():
        raise ValidationError({"note": "Say why, in content-neutral terms."})
    now = timezone.now()
    removal.review_status = decision
    removal.reviewed_by = actor
    removal.reviewed_at = now
    removal.review_note = note.strip()
    if decision == Removal.ReviewStatus.REINSTATED:
        _reinstate(actor=actor, removal=removal, reason=note.strip(), now=now)
    stamp(removal, actor=actor, reason=f"Second review: {removal.get_review_status_display()}").save()
    report = ViolationReport.objects.select_for_update().filter(removal=removal).first()
    if report is not None and not report.is_resolved:
        outcome = (
            ViolationReport.Outcome.REINSTATED
            if decision == Removal.ReviewStatus.REINSTATED
            else ViolationReport.Outcome.UPHELD
        )
        _resolve(actor=actor, report=report, outcome=outcome, response=note.strip(), now=now)
    return removal


# --- reports ------------------------------------------------------------------------


@transaction.atomic
def violation_report_create(
    *, actor, comment: Comment, concern: str, suspected_categories: Iterable[str] = ()
) -> ViolationReport:
    """TST reports material that may violate the policy without removing it (Sec. VI)."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    errors = {}
    try:
        cleaned = _clean_categories(suspected_categories, required=False)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        cleaned = []
    if not (concern or "").strip():
        errors["concern"] = "Say what may violate the policy, and why."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    report = ViolationReport(
        comment=comment,
        site=comment.site,
        suspected_categories=list(cleaned),
        concern=concern.strip(),
        reported_by=actor,
        notified_at=now,
        due_date=report_due_date(now),
    )
    stamp(report, actor=actor, reason="Reported to the Communications Office (Sec. VI)").save()
    notify_communications_office([report])
    return report


@transaction.atomic
def violation_report_pick_up(
    *, actor, report: ViolationReport, assignee=None, expected_version: int | None = None
) -> ViolationReport:
    """Start investigating (open → investigating), or hand the report to another member of the Office."""
    roles.require_role(actor, roles.COMMUNICATIONS_OFFICE)
    report = ViolationReport.objects.select_for_update().get(pk=report.pk)
    _check_version(report, expected_version, "report")
    if report.is_resolved:
        raise RecordChanged(f"Report #{report.pk} is already resolved.")
    assignee = assignee or actor
    if not roles.has_role(assignee, roles.COMMUNICATIONS_OFFICE):
        raise ValidationError({"assignee": "Reports are assigned to members of the Communications Office."})
    if report.state == ViolationReport.State.OPEN:
        report.state = ViolationReport.State.INVESTIGATING
        report.picked_up_at = timezone.now()
        why = f"Picked up by {assignee.get_username()}"
    elif report.assignee_id == assignee.pk:
        raise RecordChanged(
            f"Report #{report.pk} is already being investigated by {assignee.get_username()}."
        )
    else:
        why = f"Reassigned to {assignee.get_username()}"
    report.assignee = assignee
    report.version += 1
    stamp(report, actor=actor, reason=why).save()
    return report


def _resolve(*, actor, report: ViolationReport, outcome: str, response: str, now) -> None:
    report.state = ViolationReport.State.RESOLVED
    report.outcome = outcome
    report.response = response
    report.resolved_at = now
    report.resolved_by = actor
    report.picked_up_at = report.picked_up_at or now
    report.assignee = report.assignee or actor
    report.version += 1
    stamp(report, actor=actor, reason=f"Resolved: {report.get_outcome_display()}").save()


@transaction.atomic
def violation_report_resolve(
    *, actor, report: ViolationReport, outcome: str, response: str, expected_version: int | None = None
) -> ViolationReport:
    """The Communications Office responds to a report (Sec. VI: it "will ... respond to all reports").

    Reinstating reinstates the removal (who and why are recorded; the removal stays, with
    its retained copy, in the record); upholding a removal that awaits second review
    counts as that review.
    """
    roles.require_role(actor, roles.COMMUNICATIONS_OFFICE)
    report = ViolationReport.objects.select_for_update().get(pk=report.pk)
    _check_version(report, expected_version, "report")
    if report.is_resolved:
        raise RecordChanged(
            f"Report #{report.pk} was already resolved ({report.get_outcome_display()}) "
            f"by {report.resolved_by.get_username() if report.resolved_by else 'someone else'}."
        )
    errors = {}
    if outcome not in ViolationReport.Outcome.values:
        errors["outcome"] = "Choose the outcome."
    if not (response or "").strip():
        errors["response"] = "Write the Office's response; every report gets one."
    removal = Removal.objects.select_for_update().get(pk=report.removal_id) if report.removal_id else None
    if outcome == ViolationReport.Outcome.REINSTATED and (removal is None or not removal.in_force):
        errors["outcome"] = "Only a removal in force can be reinstated."
    if (
        outcome == ViolationReport.Outcome.NO_ACTION
        and removal is not None
        and removal.review_status == Removal.ReviewStatus.PENDING
    ):
        errors["outcome"] = "This removal awaits second review: uphold it or reinstate the item."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    response = response.strip()
    if removal is not None:
        if removal.review_status == Removal.ReviewStatus.PENDING:
            removal.review_status = (
                Removal.ReviewStatus.REINSTATED
                if outcome == ViolationReport.Outcome.REINSTATED
                else Removal.ReviewStatus.UPHELD
            )
            removal.reviewed_by = actor
            removal.reviewed_at = now
            removal.review_note = response
        if outcome == ViolationReport.Outcome.REINSTATED:
            _reinstate(actor=actor, removal=removal, reason=response, now=now)
        stamp(removal, actor=actor, reason=f"Report #{report.pk} resolved: {outcome}").save()
    _resolve(actor=actor, report=report, outcome=outcome, response=response, now=now)
    return report


# --- referrals ----------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor,
    kind: str,
    removal: Removal | None = None,
    report: ViolationReport | None = None,
    agency: str = "",
    statute: str = "",
    statute_other: str = "",
    case_number: str = "",
    platform: Platform | None = None,
    platform_report_id: str = "",
    details: str = "",
) -> Referral:
    """TST refers content to law enforcement (law violations) or to the platform (terms)."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    if removal is not None and report is None:
        report = ViolationReport.objects.filter(removal=removal).first()
    if report is not None and removal is None:
        removal = report.removal
    errors = {}
    if removal is None and report is None:
        errors["__all__"] = "A referral is filed for a removal or a report."
    if kind == Referral.Kind.LAW_ENFORCEMENT:
        if not agency.strip():
            errors["agency"] = "Name the law enforcement agency."
        if statute not in IllinoisStatute.values:
            errors["statute"] = "Name the law the content violates."
        elif statute == IllinoisStatute.OTHER and not statute_other.strip():
            errors["statute_other"] = "Name the other law."
        platform = None
    elif kind == Referral.Kind.PLATFORM:
        site = (removal or report).site if (removal or report) else None
        platform = platform or (site.platform if site else None)
        if platform is None:
            errors["platform"] = "Name the platform."
        elif not platform.terms_url:
            errors["platform"] = (
                f"The registry has no terms of service URL for {platform}; an administrator adds it."
            )
    else:
        errors["kind"] = "Choose law enforcement or the platform."
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        kind=kind,
        removal=removal,
        report=report,
        agency=agency.strip(),
        statute=statute if kind == Referral.Kind.LAW_ENFORCEMENT else "",
        statute_other=statute_other.strip() if statute == IllinoisStatute.OTHER else "",
        case_number=case_number.strip(),
        platform=platform,
        terms_url=platform.terms_url if platform else "",
        platform_report_id=platform_report_id.strip(),
        details=details.strip(),
        referred_by=actor,
        referred_at=timezone.now(),
    )
    stamp(referral, actor=actor, reason=f"Referred to {referral.get_kind_display().lower()} (Sec. VI)").save()
    return referral


@transaction.atomic
def referral_update(
    *,
    actor,
    referral: Referral,
    status: str,
    outcome: str = "",
    case_number: str | None = None,
    platform_report_id: str | None = None,
) -> Referral:
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == Referral.Status.CLOSED:
        raise RecordChanged(f"Referral #{referral.pk} is closed.")
    if status not in Referral.Status.values:
        raise ValidationError({"status": "Choose a status."})
    if status in (Referral.Status.DECLINED, Referral.Status.ACTION_TAKEN, Referral.Status.CLOSED) and not (
        outcome.strip() or referral.outcome
    ):
        raise ValidationError({"outcome": "Record what the agency or platform did."})
    now = timezone.now()
    if status != referral.status:
        referral.status = status
        referral.status_changed_at = now
        if status == Referral.Status.CLOSED:
            referral.closed_at = now
    if outcome.strip():
        referral.outcome = outcome.strip()
    if case_number is not None:
        referral.case_number = case_number.strip()
    if platform_report_id is not None:
        referral.platform_report_id = platform_report_id.strip()
    stamp(referral, actor=actor, reason=f"Referral status: {referral.get_status_display()}").save()
    return referral


# --- commenter notices --------------------------------------------------------------


def notice_message_render(*, template: NoticeTemplate, removal: Removal) -> str:
    """The notice text for ``removal`` from ``template``: plain text, placeholders filled."""
    categories = removal.category_values()
    values = {
        "site": removal.site.account_name,
        "platform": removal.site.platform.name,
        "posted_date": f"{timezone.localtime(removal.retained_posted_at):%B %-d, %Y}",
        "removal_date": f"{timezone.localtime(removal.removed_at):%B %-d, %Y}",
        "categories": "; ".join(ProhibitedCategory(value).label for value in categories),
        "policy_text": " ".join(POLICY_TEXT[value] for value in categories),
        "reason": removal.reason,
        "comment_policy_url": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("sites_registry:policy-current", args=["comment-policy"]),
    }
    assert set(values) == set(NOTICE_PLACEHOLDERS)
    # One pass over the template, so a value that itself contains "{site}" is not re-expanded.
    return re.sub(r"\{([a-z_]+)\}", lambda match: values.get(match.group(1), match.group(0)), template.body)


@transaction.atomic
def commenter_notice_record(
    *,
    actor,
    removal: Removal,
    status: str,
    channel: str = "",
    message: str = "",
    sent_at: datetime | None = None,
    not_possible_reason: str = "",
    template: NoticeTemplate | None = None,
) -> CommenterNotice:
    """Record that the commenter was notified (Sec. VI, "whenever possible"), or why not."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    errors = {}
    if status == CommenterNotice.Status.SENT:
        if channel not in CommenterNotice.Channel.values:
            errors["channel"] = "Say how the commenter was told."
        if not message.strip():
            errors["message"] = "Record the message that was sent."
        if sent_at and sent_at > timezone.now():
            errors["sent_at"] = "The notice cannot have been sent in the future."
        not_possible_reason = ""
    elif status == CommenterNotice.Status.NOT_POSSIBLE:
        if not not_possible_reason.strip():
            errors["not_possible_reason"] = "Say why the commenter could not be notified."
        channel, message, sent_at = "", "", None
    else:
        errors["status"] = "Say whether the notice was sent or was not possible."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    notice = CommenterNotice(
        removal=removal,
        status=status,
        channel=channel,
        message=message.strip(),
        sent_at=(sent_at or now) if status == CommenterNotice.Status.SENT else None,
        template=template if status == CommenterNotice.Status.SENT else None,
        not_possible_reason=not_possible_reason.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    stamp(notice, actor=actor, reason=notice.get_status_display()).save()
    return notice


@transaction.atomic
def notice_template_save(
    *, actor, name: str, body: str, is_active: bool = True, template: NoticeTemplate | None = None
) -> NoticeTemplate:
    """The Communications Office edits the text notices are generated from."""
    roles.require_role(actor, roles.COMMUNICATIONS_OFFICE)
    errors = {}
    if not name.strip():
        errors["name"] = "Name the template."
    if not body.strip():
        errors["body"] = "Write the notice text."
    unknown = NoticeTemplate.unknown_placeholders(body)
    if unknown:
        errors["body"] = f"Unknown placeholder(s): {', '.join('{' + n + '}' for n in unknown)}."
    clash = NoticeTemplate.objects.filter(name=name.strip())
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        errors["name"] = "Another template has this name."
    if errors:
        raise ValidationError(errors)
    if template is None:
        template = NoticeTemplate()
        why = "Notice template created"
    else:
        template = NoticeTemplate.objects.select_for_update().get(pk=template.pk)
        why = "Notice template edited"
    template.name, template.body, template.is_active = name.strip(), body.strip(), is_active
    stamp(template, actor=actor, reason=why).save()
    return template


# --- account restrictions -----------------------------------------------------------


@transaction.atomic
def account_restriction_request(
    *,
    actor,
    commenter,
    scope: str,
    reason: str,
    starts_at: datetime,
    expires_at: datetime,
    site=None,
    scope_detail: str = "",
    removals: Iterable[Removal] = (),
) -> AccountRestriction:
    """TST asks to block or restrict a commenter; the Communications Office approves."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    errors = {}
    if scope not in AccountRestriction.Scope.values:
        errors["scope"] = "Choose blocked or restricted."
    if not reason.strip():
        errors["reason"] = "Give the content-neutral reason, citing the removals that led to it."
    if starts_at is None:
        errors["starts_at"] = "Give the start."
    if expires_at is None:
        errors["expires_at"] = "Every restriction has an expiry."
    elif starts_at is not None and expires_at <= starts_at:
        errors["expires_at"] = "The expiry must be after the start."
    if site is not None and site.platform_id != commenter.platform_id:
        errors["site"] = "The site is on a different platform than the commenter."
    removals = list(removals)
    # A restriction cites the removals of this commenter's own comments: judged on the
    # removal's retained copy (the poster as captured), which outlives the comment.
    others = [
        removal
        for removal in removals
        if removal.retained_poster_id != commenter.platform_user_id
        or removal.site.platform_id != commenter.platform_id
    ]
    if others:
        errors["removals"] = (
            f"{', '.join(f'Removal #{removal.pk}' for removal in others)} removed another account's "
            f"comment; a restriction of {commenter} cites only the removals of their own comments."
        )
    if errors:
        raise ValidationError(errors)
    restriction = AccountRestriction(
        commenter=commenter,
        site=site,
        scope=scope,
        scope_detail=scope_detail.strip(),
        reason=reason.strip(),
        requested_by=actor,
        requested_at=timezone.now(),
        starts_at=starts_at,
        expires_at=expires_at,
    )
    stamp(restriction, actor=actor, reason="Restriction requested").save()
    restriction.removals.set(list(removals))
    return restriction


@transaction.atomic
def account_restriction_decide(
    *, actor, restriction: AccountRestriction, approve: bool, note: str = ""
) -> AccountRestriction:
    roles.require_role(actor, roles.COMMUNICATIONS_OFFICE)
    restriction = AccountRestriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.state != AccountRestriction.State.REQUESTED:
        raise RecordChanged(f"This restriction was already decided ({restriction.get_state_display()}).")
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why the restriction is declined."})
    restriction.state = AccountRestriction.State.APPROVED if approve else AccountRestriction.State.DECLINED
    restriction.approved_by = actor
    restriction.approved_at = timezone.now()
    restriction.decision_note = note.strip()
    stamp(restriction, actor=actor, reason=f"Restriction {restriction.get_state_display().lower()}").save()
    return restriction


@transaction.atomic
def account_restriction_lift(*, actor, restriction: AccountRestriction, reason: str) -> AccountRestriction:
    roles.require_role(actor, roles.COMMUNICATIONS_OFFICE, roles.TECHNICAL_SERVICES)
    restriction = AccountRestriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.state != AccountRestriction.State.APPROVED:
        raise RecordChanged(
            f"Only an approved restriction can be lifted ({restriction.get_state_display()})."
        )
    if not reason.strip():
        raise ValidationError({"lift_reason": "Say why the restriction is lifted early."})
    restriction.state = AccountRestriction.State.LIFTED
    restriction.lifted_by = actor
    restriction.lifted_at = timezone.now()
    restriction.lift_reason = reason.strip()
    stamp(restriction, actor=actor, reason="Restriction lifted").save()
    return restriction

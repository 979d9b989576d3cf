"""Capture writes: importing posts and comments, the TST review marks, integration tokens.

Each is one named write with the acting user in history; the import itself is done by the
engine in moderation.capture.writer.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from config.portal import locks, roles
from config.portal.audit import stamp
from moderation.capture.importers import FORMATS, CapturedItem, CaptureError
from moderation.capture.importers.stream import WithoutBom
from moderation.capture.models import Comment, IntegrationToken
from moderation.capture.selectors import CAPTURE_SITE_STATES
from moderation.capture.writer import CaptureWriter, ImportResult
from sites_registry.models import Site


def _is_job_actor(actor) -> bool:
    return getattr(actor, "username", None) == settings.SYSTEM_USERNAME


def _check_may_import(actor, site: Site) -> None:
    # Commands and the token API act as the system user; people need the TST role.
    if not _is_job_actor(actor):
        roles.require_role(actor, roles.TECHNICAL_SERVICES)
    if site.state not in CAPTURE_SITE_STATES:
        raise ValidationError(
            {
                "site": f"{site} is {site.get_state_display().lower()}, "
                "not an official City site; nothing captured."
            }
        )


def captures_import_file(*, actor, site: Site, format_name: str, stream, source_name: str) -> ImportResult:
    """Import one file in a platform format (see moderation.capture.importers). All or nothing."""
    file_format = FORMATS.get(format_name)
    if file_format is None:
        raise ValidationError({"format": f"Unknown format “{format_name}”; use one of {', '.join(FORMATS)}."})
    if file_format.platform_slug and site.platform.slug != file_format.platform_slug:
        raise ValidationError(
            {
                "format": f"{source_name}: the {format_name} format is for "
                f"{file_format.platform_slug} sites, and {site} is on {site.platform.name}."
            }
        )
    try:
        return captures_import(
            actor=actor,
            site=site,
            items=file_format.reader(WithoutBom(stream), site=site),
            reason=f"Captured from {source_name} ({format_name})",
        )
    except CaptureError as exc:
        raise exc.with_source(source_name) from None


def captures_import(*, actor, site: Site, items: Iterable[CapturedItem], reason: str) -> ImportResult:
    """Write captured items for one site in one transaction; returns the counts."""
    _check_may_import(actor, site)
    with transaction.atomic():
        locks.capture_import(site.pk)
        site = Site.objects.select_related("platform").get(pk=site.pk)
        writer = CaptureWriter(site=site, actor=actor, reason=reason)
        for item in items:
            writer.add(item)
        writer.finish()
    return writer.result


# -- TST monitoring queue ----------------------------------------------------------------------
def comment_mark_reviewed(*, actor, comment: Comment) -> Comment:
    return comments_mark_reviewed(actor=actor, comment_ids=[comment.pk])[0]


@transaction.atomic
def comments_mark_reviewed(*, actor, comment_ids: Iterable[int]) -> list[Comment]:
    """TST has looked at these items; they leave the queue until their text changes."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    comments = list(Comment.objects.select_for_update().filter(pk__in=list(comment_ids)).order_by("pk"))
    now = timezone.now()
    done = []
    for comment in comments:
        if comment.reviewed_at is not None:
            done.append(comment)
            continue
        comment.reviewed_at = now
        comment.reviewed_by = actor
        stamp(comment, actor=actor, reason="Reviewed in the monitoring queue").save(
            update_fields=["reviewed_at", "reviewed_by", "updated_at"]
        )
        done.append(comment)
    return done


@transaction.atomic
def comment_unmark_reviewed(*, actor, comment: Comment) -> Comment:
    """Undo of "mark reviewed": the item goes back to the queue, and its history says who undid it."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.reviewed_at is None:
        return comment
    comment.reviewed_at = None
    comment.reviewed_by = None
    stamp(comment, actor=actor, reason="Review undone: back in the monitoring queue").save(
        update_fields=["reviewed_at", "reviewed_by", "updated_at"]
    )
    return comment


@transaction.atomic
def comment_mark_answered(*, actor, comment: Comment, note: str = "") -> Comment:
    """The City has replied to a comment that asked it for a response (Sec. V)."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.asks_for_response:
        raise ValidationError("This comment is not marked as asking the City for a response.")
    if comment.response_answered_at is not None:
        raise ValidationError(
            "This comment was already marked answered on "
            f"{timezone.localtime(comment.response_answered_at):%Y-%m-%d}."
        )
    comment.response_answered_at = timezone.now()
    comment.response_answered_by = actor
    reason = "Marked answered: the City replied"
    if note.strip():
        reason += f" ({note.strip()[:500]})"
    stamp(comment, actor=actor, reason=reason).save(
        update_fields=["response_answered_at", "response_answered_by", "updated_at"]
    )
    return comment


# -- integration tokens ------------------------------------------------------------------------
@transaction.atomic
def integration_token_create(*, actor, name: str, sites: Iterable[Site]) -> tuple[IntegrationToken, str]:
    """A new token for an archiving tool; returns the row and the token, shown only once."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only an administrator manages integration tokens.")
    sites = list(sites)
    errors = {}
    if not name.strip():
        errors["name"] = "Name the integration the token is for."
    if not sites:
        errors["sites"] = "Choose the sites the integration may send captures for."
    if errors:
        raise ValidationError(errors)
    token_row = IntegrationToken(name=name.strip(), created_by=actor)
    token = token_row.issue()
    stamp(token_row, actor=actor, reason="Integration token issued").save()
    token_row.sites.set(sites)
    return token_row, token


@transaction.atomic
def integration_token_revoke(*, actor, token: IntegrationToken) -> IntegrationToken:
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only an administrator manages integration tokens.")
    token = IntegrationToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        stamp(token, actor=actor, reason="Integration token revoked").save()
    return token

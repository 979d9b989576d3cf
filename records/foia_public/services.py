"""Writes of the public request pages: a submission from the public form, its confirmation, and
a request for new status links. The public has no account: each write checks its own limits."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from records.foia import notifications
from records.foia import services as foia_services
from records.foia_public import throttle
from records.foia_public.selectors import TOKEN_MAX_LENGTH
from records.foia_public.tasks import foia_status_links_email
from records.models import FoiaRequest, FoiaSubmission


class Refused(Exception):
    """The public form is refused, with the reason to show (``status`` is the HTTP status)."""

    def __init__(self, message: str, status: int = 429, retry_after: int | None = None):
        self.message, self.status, self.retry_after = message, status, retry_after
        super().__init__(message)


class LinkInvalid(Exception):
    """A confirmation link that is wrong, expired or already used: the page says so, and no more."""


def _throttled(kind: str, *, ip_address: str, email: str, per_ip: int, per_address: int) -> None:
    other_ways = f"You can also send your request by mail to {settings.FOIA_OFFICE_ADDRESS}."
    if not throttle.allow(f"{kind}-ip", ip_address, limit=per_ip, window=throttle.HOUR):
        raise Refused(
            f"Too many forms were sent from your network in the last hour (the limit is {per_ip}). "
            f"Please try again in an hour. {other_ways}",
            retry_after=throttle.HOUR,
        )
    if not throttle.allow(f"{kind}-address", email, limit=per_address, window=throttle.DAY):
        raise Refused(
            f"Too many forms were sent for this e-mail address today (the limit is {per_address}). "
            f"Please try again tomorrow. {other_ways}",
            retry_after=throttle.DAY,
        )


def foia_submission_create(
    *,
    name: str,
    organisation: str,
    kind: str,
    email: str,
    postal_address: str,
    description: str,
    is_commercial: bool,
    sites,
    date_from: date | None,
    date_to: date | None,
    name_public: bool,
    ip_address: str,
) -> FoiaSubmission:
    """Keep a submission from the public form and e-mail the link that confirms it.

    Nothing is logged until the address is confirmed (``foia_submission_confirm``); the
    confirmation token is in the e-mail only, the portal keeps its SHA-256.
    """
    _throttled(
        "submit",
        ip_address=ip_address,
        email=email,
        per_ip=settings.FOIA_SUBMISSIONS_PER_IP_PER_HOUR,
        per_address=settings.FOIA_SUBMISSIONS_PER_ADDRESS_PER_DAY,
    )
    token = secrets.token_urlsafe(notifications.TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        submission = FoiaSubmission.objects.create(
            token_sha256=notifications.token_sha256(token),
            name=name,
            organisation=organisation,
            kind=kind,
            email=email,
            postal_address=postal_address,
            description=description,
            is_commercial=is_commercial,
            site_ids=[site.pk for site in sites],
            date_from=date_from,
            date_to=date_to,
            name_public=name_public,
            created_at=now,
            expires_at=now + timedelta(hours=settings.FOIA_CONFIRMATION_HOURS),
        )
        transaction.on_commit(
            lambda: notifications.email_confirmation(
                to=email, token=token, reference_hint=description, expires_at=submission.expires_at
            )
        )
    return submission


def submission_for_token(token: str) -> FoiaSubmission | None:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return FoiaSubmission.objects.filter(
        token_sha256=notifications.token_sha256(token), expires_at__gt=timezone.now()
    ).first()


def foia_submission_confirm(*, token: str) -> tuple[FoiaRequest, str]:
    """Log the request of a confirmed submission; the request and the path of its status page.

    The submission is deleted in the same transaction, so a link confirms one request once.
    """
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise LinkInvalid
    with transaction.atomic():
        submission = (
            FoiaSubmission.objects.select_for_update()
            .filter(token_sha256=notifications.token_sha256(token), expires_at__gt=timezone.now())
            .first()
        )
        if submission is None:
            raise LinkInvalid
        request = foia_services.foia_request_receive_online(submission=submission)
        submission.delete()
        status_path = notifications.status_link_issue(request)
        transaction.on_commit(lambda: notifications.email_logged(request, status_path))
    return request, status_path


def foia_status_links_resend(*, email: str, ip_address: str) -> None:
    """Queue an e-mail with new status links to ``email`` if a requester has it; the same
    answer (and the same work in the request) whether or not one does."""
    _throttled(
        "resend",
        ip_address=ip_address,
        email=email,
        per_ip=settings.FOIA_RESENDS_PER_IP_PER_HOUR,
        per_address=settings.FOIA_RESENDS_PER_ADDRESS_PER_DAY,
    )
    foia_status_links_email.delay(email.strip())

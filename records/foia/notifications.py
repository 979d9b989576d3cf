"""E-mails to FOIA requesters, each with a new secret link to the request's status page.

A status link's token (``secrets.token_urlsafe(32)``: 256 bits) exists only in the e-mail and
the requester's browser; the portal keeps its SHA-256 (``FoiaStatusLink``). Every e-mail is sent
as plain text (inert whatever the requester typed) with an HTML part rendered by Django's
autoescaping templates; the subject is folded to one line so no text can add a header.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from records.foia.clock import compute_due_date
from records.models import FoiaExport, FoiaLetter, FoiaRequest, FoiaStatusLink

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def status_link_issue(request: FoiaRequest) -> str:
    """A new status link for ``request``: the path with the token (shown once, never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    FoiaStatusLink.objects.create(
        request=request,
        token_sha256=token_sha256(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.FOIA_STATUS_LINK_DAYS),
    )
    return reverse("records:foia-public-status", args=[token])


def one_line(text: str) -> str:
    """A header value: every run of whitespace (newlines included) becomes one space."""
    return " ".join(str(text).split())[:300]


def send(*, to: str, subject: str, template: str, context: dict) -> None:
    """Send ``templates/records/foia/email/<template>.txt`` and its ``.html`` twin."""
    context = {"CITY_NAME": settings.CITY_NAME, "link_days": settings.FOIA_STATUS_LINK_DAYS, **context}
    text = render_to_string(f"records/foia/email/{template}.txt", context)
    html = render_to_string(f"records/foia/email/{template}.html", context)
    message = EmailMultiAlternatives(one_line(subject), text, None, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def _safely(what: str, pk: int, send_it) -> None:
    # After commit: the action is recorded whatever the mail server says; a failure is logged
    # (without the address or any link) for the Clerk to follow up by hand.
    try:
        send_it()
    except (OSError, smtplib.SMTPException):
        logger.exception("FOIA e-mail (%s) for record %s could not be e-mailed", what, pk)


def email_confirmation(*, to: str, token: str, reference_hint: str, expires_at) -> None:
    """The link that confirms a submission from the public form (nothing is logged before)."""
    url = absolute(reverse("records:foia-public-confirm", args=[token]))
    _safely(
        "confirmation",
        0,
        lambda: send(
            to=to,
            subject=f"Confirm your public records request to the {settings.CITY_NAME}",
            template="confirm",
            context={"confirm_url": url, "description": reference_hint, "expires_at": expires_at},
        ),
    )


def email_logged(request: FoiaRequest, status_path: str) -> None:
    """The request is logged: its reference, due date and how the date was computed."""
    _safely(
        "logged",
        request.pk,
        lambda: send(
            to=request.requester.email,
            subject=f"Your public records request {request.reference} is logged",
            template="logged",
            context={
                "foia_request": request,
                "due": compute_due_date(request),
                "status_url": absolute(status_path),
            },
        ),
    )


def email_letter(letter: FoiaLetter) -> None:
    """A letter the Clerk sent (acknowledgement, extension, recurrent notice, response, withdrawal)."""

    def send_it():
        status_url = absolute(status_link_issue(letter.request))
        send(
            to=letter.emailed_to,
            subject=letter.subject,
            template="letter",
            context={"letter": letter, "foia_request": letter.request, "status_url": status_url},
        )

    _safely("letter", letter.pk, send_it)


def email_release(export: FoiaExport) -> None:
    """The records are ready to download from the status page."""
    request = export.request

    def send_it():
        status_url = absolute(status_link_issue(request))
        send(
            to=request.requester.email,
            subject=f"Records released for your public records request {request.reference}",
            template="released",
            context={"foia_request": request, "export": export, "status_url": status_url},
        )

    _safely("released", export.pk, send_it)


def email_status_links(*, to: str, requests: list[FoiaRequest]) -> None:
    """A new status link for each request of the requester with this address (the re-send form)."""

    def send_it():
        links = [(request, absolute(status_link_issue(request))) for request in requests]
        send(
            to=to,
            subject=f"Your public records requests to the {settings.CITY_NAME}",
            template="links",
            context={"links": links},
        )

    _safely("links", 0, send_it)

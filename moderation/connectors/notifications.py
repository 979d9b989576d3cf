"""E-mail about automatic capture: to the Technical Services Team when a site needs
reauthorization or has gone without a successful capture for ``CAPTURE_STALE_HOURS`` (once
per episode each, not every run or every hour), and a monthly summary to the Communications
Office.

Nothing a resident wrote goes into these e-mails; site names (staff-entered) and the
platforms' messages are escaped in the HTML part like anything else. The tasks are defined
here, apart from tasks.py, so the engine can queue them without importing the tasks module.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.portal.calendar import local_date
from moderation.connectors import selectors
from moderation.models import CaptureState, SiteConnection

_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)
log = logging.getLogger(__name__)


def _one_line(text: str, limit: int = 150) -> str:
    """Header-safe: no line breaks (header injection) and a sensible length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _base() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/")


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    message = EmailMultiAlternatives(
        subject=_one_line(subject),
        body=render_to_string(f"moderation/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"moderation/email/{template}.html", context), "text/html")
    message.send()


def reauthorization_needed(connection_id: int) -> None:
    """Tell TST that the platform refused a connection's token. Queued once the caller's
    transaction commits; run at once where tasks run in-process (no broker)."""
    if send_reauthorization_needed.app.conf.task_always_eager:
        # In-process, once: a mail server down must not break the capture run that found the
        # refusal, and the hourly check sends what was not sent.
        try:
            send_reauthorization_needed.run(connection_id)
        except _MAIL_ERRORS as exc:
            log.warning("the reauthorization e-mail for connection %s was not sent: %s", connection_id, exc)
    else:
        send_reauthorization_needed.delay_on_commit(connection_id)


@shared_task(
    name="moderation.send_reauthorization_needed",
    autoretry_for=_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def send_reauthorization_needed(connection_id: int) -> bool:
    """One e-mail per episode: sent only while the connection still needs reauthorization and
    TST was not yet told (``reauthorization_notified_at``, cleared by ``site_connect``).
    The row is locked, so a duplicated task sends nothing twice; a mail failure rolls back
    and the task retries."""
    with transaction.atomic():
        state = (
            CaptureState.objects.select_for_update(of=("self",))
            .select_related("connection__site__platform")
            .filter(connection_id=connection_id)
            .first()
        )
        if state is None or state.reauthorization_notified_at is not None:
            return False
        connection = state.connection
        if connection.state != SiteConnection.State.NEEDS_REAUTHORIZATION:
            return False
        site = connection.site
        context = {
            "site": site,
            "platform": site.platform.name,
            "message": connection.state_reason or "the platform gave no reason",
            "connect_url": _base() + reverse("moderation:connection-connect", args=[site.pk]),
            "health_url": _base() + reverse("moderation:capture-health"),
        }
        _send(
            subject=f"{site.account_name} ({site.platform.name}) needs reauthorization: capture stopped",
            template="capture_reauthorization",
            context=context,
            to=settings.TECHNICAL_SERVICES_EMAIL,
        )
        state.reauthorization_notified_at = timezone.now()
        state.save(update_fields=["reauthorization_notified_at"])
        return True


@shared_task(
    name="moderation.capture_health_check",
    autoretry_for=_MAIL_ERRORS,
    retry_backoff=60,
    max_retries=5,
    time_limit=300,
    soft_time_limit=270,
)
def capture_health_check() -> int:
    """Hourly (beat): one e-mail to TST listing the connected sites that have gone without a
    successful capture for ``CAPTURE_STALE_HOURS`` and were not yet reported; each is
    reported once until a capture succeeds again (the engine then clears
    ``stale_notified_at``). Returns how many sites the e-mail listed.

    It also sends any reauthorization e-mail not sent yet (the mail server was down when the
    platform refused the token), so none is lost."""
    unsent = CaptureState.objects.filter(
        connection__state=SiteConnection.State.NEEDS_REAUTHORIZATION, reauthorization_notified_at__isnull=True
    ).values_list("connection_id", flat=True)
    for connection_id in list(unsent):
        send_reauthorization_needed(connection_id)
    now = timezone.now()
    with transaction.atomic():
        states = list(
            selectors.stale_states(now)
            .filter(stale_notified_at__isnull=True)
            .select_for_update(of=("self",), skip_locked=True)
            .select_related("connection__site__platform")
            .order_by("connection__site__account_name", "pk")
        )
        if not states:
            return 0
        entries = [
            {
                "site": state.connection.site,
                "last_success_at": state.last_success_at,
                "last_error": state.last_error,
                "connect_url": _base()
                + reverse("moderation:connection-connect", args=[state.connection.site_id]),
            }
            for state in states
        ]
        hours = settings.CAPTURE_STALE_HOURS
        first = states[0].connection.site
        subject = (
            f"{first.account_name} ({first.platform.name}) not captured for over {hours} hours"
            if len(states) == 1
            else f"{len(states)} sites not captured for over {hours} hours"
        )
        _send(
            subject=subject,
            template="capture_stale",
            context={
                "entries": entries,
                "hours": hours,
                "health_url": _base() + reverse("moderation:capture-health"),
            },
            to=settings.TECHNICAL_SERVICES_EMAIL,
        )
        CaptureState.objects.filter(pk__in=[s.pk for s in states]).update(stale_notified_at=now)
        return len(states)


@shared_task(
    name="moderation.capture_monthly_summary",
    autoretry_for=_MAIL_ERRORS,
    retry_backoff=60,
    max_retries=5,
    time_limit=300,
    soft_time_limit=270,
)
def capture_monthly_summary() -> int:
    """On the first of each month (beat, City time): what automatic capture did in the month
    before, to the Communications Office. Sent even when nothing was captured, so a silent
    month is seen. Returns the number of sites in the summary."""
    start, end = selectors.previous_month(local_date(timezone.now()))
    summary = selectors.monthly_summary(start, end)
    if not summary.sites and not summary.connected:
        return 0
    context = {
        "summary": summary,
        "month": start.strftime("%B %Y"),
        "health_url": _base() + reverse("moderation:capture-health"),
    }
    _send(
        subject=f"Automatic capture in {context['month']}: {summary.created:,} records captured",
        template="capture_monthly_summary",
        context=context,
        to=settings.COMMUNICATIONS_OFFICE_EMAIL,
    )
    return len(summary.sites)

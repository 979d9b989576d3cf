"""E-mail to the Communications Office (Sec. VI): at once when TST reports or removes
something, and a morning digest of the reports past their response date.

The tasks are defined here, apart from tasks.py, so that services can queue them without
importing the tasks module: services call ``notify_communications_office``.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.portal.audit import stamp, system_user
from config.portal.calendar import BusinessCalendar
from moderation.removals.models import ViolationReport


def _one_line(text: str, limit: int = 150) -> str:
    """Header-safe: no line breaks (header injection) and a sensible length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def notify_communications_office(reports) -> None:
    """Queue the e-mail about these reports once the transaction commits."""
    ids = [report.pk for report in reports]
    if ids:
        send_report_notification.delay_on_commit(ids)


@shared_task(
    name="moderation.send_report_notification",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def send_report_notification(report_ids: list[int]) -> int:
    """Send one e-mail about the reports not yet notified; returns how many it covered.

    Re-fetches and locks the reports, so a retried or duplicated task never sends the
    same report twice; if the mail server fails, the transaction rolls back and the
    task retries.
    """
    with transaction.atomic():
        reports = list(
            ViolationReport.objects.select_for_update(of=("self",))
            .filter(pk__in=report_ids, notification_sent_at__isnull=True)
            .select_related("site__platform", "reported_by", "removal")
            .order_by("pk")
        )
        if not reports:
            return 0
        base = settings.PORTAL_BASE_URL.rstrip("/")
        entries = [
            {
                "report": report,
                "url": base + reverse("moderation:report-detail", args=[report.pk]),
                "text": (
                    report.removal.retained_text
                    if report.removal
                    else (report.comment.text if report.comment else "")
                ),
                "categories": report.suspected_category_labels(),
            }
            for report in reports
        ]
        context = {"entries": entries, "queue_url": base + reverse("moderation:report-list")}
        first = reports[0]
        kind = "Removal" if first.removal_id else "Possible violation"
        if len(reports) == 1:
            site = first.site
            subject = f"{kind} reported: report #{first.pk} on {site.account_name} ({site.platform.name})"
        else:
            subject = f"{len(reports)} removals reported on {first.site.account_name} and other sites"
        message = EmailMultiAlternatives(
            subject=_one_line(subject),
            body=render_to_string("moderation/email/report_notification.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=settings.COMMUNICATIONS_OFFICE_EMAIL,
        )
        message.attach_alternative(
            render_to_string("moderation/email/report_notification.html", context), "text/html"
        )
        message.send()
        now = timezone.now()
        actor = system_user()
        for report in reports:
            report.notification_sent_at = now
            stamp(report, actor=actor, reason="Communications Office notified by e-mail").save(
                update_fields=["notification_sent_at", "updated_at"]
            )
        return len(reports)


@shared_task(
    name="moderation.overdue_report_digest",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=60,
    max_retries=5,
    time_limit=300,
    soft_time_limit=270,
)
def overdue_report_digest() -> int:
    """Each business morning (beat): one e-mail to the Communications Office listing reports
    past their response date; nothing is sent when none is overdue or the City is closed.

    A reminder only: the overdue flag itself is computed on every page from ``due_date``.
    Returns how many overdue reports were listed.
    """
    today = timezone.localdate()
    if not BusinessCalendar().is_business_day(today):
        return 0
    reports = list(
        ViolationReport.objects.overdue(today)
        .select_related("site__platform", "assignee", "removal")
        .order_by("due_date", "pk")[:200]
    )
    if not reports:
        return 0
    base = settings.PORTAL_BASE_URL.rstrip("/")
    context = {
        "reports": [
            {"report": r, "url": base + reverse("moderation:report-detail", args=[r.pk])} for r in reports
        ],
        "today": today,
        "queue_url": base + reverse("moderation:report-list") + "?state=overdue",
    }
    message = EmailMultiAlternatives(
        subject=_one_line(
            f"{len(reports)} report{'s' if len(reports) != 1 else ''} to the Communications Office overdue"
        ),
        body=render_to_string("moderation/email/overdue_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=settings.COMMUNICATIONS_OFFICE_EMAIL,
    )
    message.send()
    return len(reports)

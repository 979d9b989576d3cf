"""The nightly audit ledger e-mail: the day's chain head (anchored outside the database, in the
recipients' mailboxes), or the first entry that does not verify. To the City Clerk and every
active administrator."""

from __future__ import annotations

import socket

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from config.portal.ledger_verify import LedgerUnavailable, verify
from config.portal.models import JobRun

JOB_NAME = "portal.verify_audit_ledger"


def recipients() -> list[str]:
    administrators = (
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys([*settings.CITY_CLERK_EMAIL, *administrators]))


def verify_and_report() -> str:
    run = JobRun.objects.create(name=JOB_NAME, hostname=socket.gethostname())
    try:
        report = verify()
    except LedgerUnavailable as exc:
        run.finished_at, run.outcome, run.summary = timezone.now(), JobRun.Outcome.SUCCEEDED, str(exc)
        run.save()
        return str(exc)
    context = {"report": report, "CITY_NAME": settings.CITY_NAME, "today": timezone.localdate()}
    if report.ok:
        subject = f"Audit ledger verified: head {report.head or 'empty'}"
    else:
        subject = f"AUDIT LEDGER DOES NOT VERIFY: {report.problem}"[:200]
    send_mail(subject, render_to_string("portal/ledger_email.txt", context), None, recipients())
    run.finished_at = timezone.now()
    run.outcome = JobRun.Outcome.SUCCEEDED if report.ok else JobRun.Outcome.FAILED
    run.summary = f"{report.checked} entries; head {report.head}" if report.ok else str(report.problem)
    run.save()
    return run.summary

"""FOIA jobs. Tasks take ids, re-fetch, and do only the missing work; they call the engines
(export builder, redaction scan, digest), never the services, which queue them."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction

from records.foia import digest
from records.foia.export import build_export
from records.foia.redaction import suggest_redactions
from records.models import FoiaRequest


@shared_task(
    name="records.foia_export_build",
    # Idempotent (build_export re-checks the export under a row lock and publishes
    # atomically), so a task whose worker died is run again (acks_late).
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
)
def foia_export_build(export_id: int) -> str:
    export = build_export(export_id, row_delay=getattr(settings, "FOIA_EXPORT_ROW_DELAY", 0.0))
    return export.state if export else "gone"


@shared_task(
    name="records.foia_redaction_scan",
    acks_late=True,  # re-running only adds the suggestions still missing
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
)
def foia_redaction_scan(request_id: int, user_id: int) -> int:
    """Suggest redactions of private information in a request's responsive records."""
    user = get_user_model().objects.filter(pk=user_id).first()
    with transaction.atomic():
        request = FoiaRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or user is None or not request.is_open or not request.redaction_scan_running:
            return 0
        # The Clerk who asked for the scan (foia_redaction_scan_start checked the role).
        return suggest_redactions(request, actor=user)


@shared_task(name="records.foia_daily_digest", acks_late=True, time_limit=300, soft_time_limit=240)
def foia_daily_digest() -> int:
    """E-mail the Clerk the FOIA requests overdue or due within 2 business days (beat, weekdays)."""
    return digest.send_daily_digest()

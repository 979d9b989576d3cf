import socket

from celery import shared_task
from django.utils import timezone

from config.portal.models import JobRun


@shared_task(name="portal.heartbeat", acks_late=True, time_limit=60, soft_time_limit=50)
def heartbeat() -> int:
    """Record that a worker is alive and processing the queue (beat, every 5 minutes)."""
    now = timezone.now()
    run = JobRun.objects.create(
        name="portal.heartbeat",
        started_at=now,
        finished_at=now,
        outcome=JobRun.Outcome.SUCCEEDED,
        hostname=socket.gethostname(),
        summary="Worker alive.",
    )
    return run.pk


@shared_task(name="portal.verify_audit_ledger", time_limit=6 * 60 * 60, soft_time_limit=None)
def verify_audit_ledger() -> str:
    """Nightly (beat): verify the whole audit ledger and e-mail its head, or the first problem.

    Read-only, so safe to run again; not acknowledged late, since a run killed half-way is
    simply the next night's to do.
    """
    from config.portal.ledger_notifications import verify_and_report

    return verify_and_report()

"""Scheduled capture: beat asks every minute which connected sites are due, and each due
site is captured by its own task on the ``CAPTURE_QUEUE`` queue (a worker of its own, so a
slow platform never delays FOIA exports or the purge).

A site is due when its ``next_run_at`` has passed; the dispatcher moves it on by the site's
interval before queueing, so a site is queued once per interval however many beats pass,
and the engine's lock keeps a second run of a site from starting while one is going. A
worker killed mid-capture: the task is acknowledged late and redelivered, and the run
carries on from the last committed page.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from moderation.connectors import engine
from moderation.models import CaptureState, SiteConnection
from sites_registry.models import Site


def due_connections(now=None):
    now = now or timezone.now()
    return (
        CaptureState.objects.filter(
            connection__state=SiteConnection.State.CONNECTED,
            connection__site__state=Site.State.APPROVED,
        )
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
        .select_related("connection")
    )


@shared_task(name="moderation.capture_due_sites", acks_late=True, time_limit=120, soft_time_limit=100)
def capture_due_sites() -> list[int]:
    """Queue a capture of every connected site that is due; returns their site ids."""
    now = timezone.now()
    queued = []
    with transaction.atomic():
        for state in due_connections(now).select_for_update(skip_locked=True, of=("self",)):
            minutes = state.connection.interval_minutes or settings.CAPTURE_INTERVAL_MINUTES
            state.next_run_at = now + timedelta(minutes=minutes)
            state.save(update_fields=["next_run_at"])
            queued.append(state.connection.site_id)
    # Queued once the schedule is committed: a capture never runs inside this transaction.
    for site_id in queued:
        capture_site.apply_async(args=[site_id], queue=settings.CAPTURE_QUEUE)
    return queued


@shared_task(
    name="moderation.capture_site",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def capture_site(site_id: int, full: bool = False, requested_by_id: int | None = None) -> str:
    """Capture one site now; returns what the run did, in words. ``requested_by_id``: the user
    who asked for it ("Capture now"), recorded on the run; None for the schedule."""
    site = Site.objects.get(pk=site_id)
    requested_by = get_user_model().objects.filter(pk=requested_by_id).first() if requested_by_id else None
    run = engine.capture(site=site, full=full, requested_by=requested_by)
    if run is None:
        return f"{site}: a capture of this site is already running"
    return f"{site}: {run.get_outcome_display().lower()}; {run.created} new, {run.updated} changed, " + (
        f"{run.deletions_found} found deleted" + (f"; {run.error}" if run.error else "")
    )

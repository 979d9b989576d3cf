"""Jobs of the public request pages. They call notifications, never the services that queue them."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from records.foia import notifications
from records.models import FoiaRequest, FoiaSubmission


@shared_task(name="records.foia_status_links_email", acks_late=True, time_limit=120, soft_time_limit=100)
def foia_status_links_email(email: str) -> None:
    """E-mail a new status link for each request of the requester with this address, if any.

    A task, so that the re-send form answers in the same time whether or not the address is known;
    it returns nothing, so the worker's log does not say either.
    """
    requests = list(
        FoiaRequest.objects.filter(requester__email__iexact=email)
        .select_related("requester")
        .order_by("received_on", "pk")[:50]
    )
    if requests:
        notifications.email_status_links(to=requests[0].requester.email, requests=requests)


@shared_task(name="records.foia_submissions_expire", acks_late=True, time_limit=300, soft_time_limit=240)
def foia_submissions_expire() -> int:
    """Delete the submissions whose confirmation link expired unused (hourly, beat).

    They were never requests: nothing was logged, and nothing of them is kept.
    """
    deleted, _ = FoiaSubmission.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted

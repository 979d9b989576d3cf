"""The portal's Celery app as an end-to-end test's ``celery beat`` runs it: the real capture
entry of ``CELERY_BEAT_SCHEDULE`` (same task, same arguments), but ticking every
``E2E_BEAT_SECONDS`` instead of every minute and sent to the test's private queue
``E2E_BEAT_QUEUE``. The other entries are left out: they would go to the shared default
queue of whatever worker listens on this Redis."""

from __future__ import annotations

import os

from django.conf import settings

from config.celery import app

ENTRY = "moderation-capture-due-sites"

app.conf.beat_schedule = {
    ENTRY: {
        **settings.CELERY_BEAT_SCHEDULE[ENTRY],
        "schedule": float(os.environ["E2E_BEAT_SECONDS"]),
        "options": {"queue": os.environ["E2E_BEAT_QUEUE"]},
    }
}

__all__ = ["app"]

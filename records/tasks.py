"""Gathers the records app's Celery tasks for autodiscovery: each lives in its feature."""

from records.foia.tasks import foia_daily_digest, foia_export_build, foia_redaction_scan
from records.foia_public.tasks import foia_status_links_email, foia_submissions_expire
from records.retention.tasks import enforce_retention

__all__ = [
    "enforce_retention",
    "foia_daily_digest",
    "foia_export_build",
    "foia_redaction_scan",
    "foia_status_links_email",
    "foia_submissions_expire",
]

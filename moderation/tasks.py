"""The moderation app's Celery tasks, gathered from its features for Celery's autodiscovery."""

from moderation.connectors.notifications import (
    capture_health_check,
    capture_monthly_summary,
    send_reauthorization_needed,
)
from moderation.connectors.tasks import capture_due_sites, capture_site
from moderation.removals.tasks import overdue_report_digest, send_report_notification

__all__ = [
    "capture_due_sites",
    "capture_health_check",
    "capture_monthly_summary",
    "capture_site",
    "overdue_report_digest",
    "send_reauthorization_needed",
    "send_report_notification",
]

"""The moderation app's Celery tasks, gathered from its features for Celery's autodiscovery."""

from moderation.connectors.tasks import capture_due_sites, capture_site
from moderation.removals.tasks import overdue_report_digest, send_report_notification

__all__ = ["capture_due_sites", "capture_site", "overdue_report_digest", "send_report_notification"]

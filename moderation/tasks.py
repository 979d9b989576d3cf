"""The moderation app's Celery tasks, gathered from its features for Celery's autodiscovery."""

from moderation.removals.tasks import overdue_report_digest, send_report_notification

__all__ = ["overdue_report_digest", "send_report_notification"]

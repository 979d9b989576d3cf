"""Celery tasks of the removals feature. Both are e-mails to the Communications Office,
defined in notifications.py, where services queue them from."""

from moderation.removals.notifications import overdue_report_digest, send_report_notification

__all__ = ["overdue_report_digest", "send_report_notification"]

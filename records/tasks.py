"""Celery tasks of the records app (autodiscovered as ``records.tasks``)."""

from records.retention.tasks import enforce_retention

__all__ = ["enforce_retention"]

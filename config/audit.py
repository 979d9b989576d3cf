"""Audit helpers: the tracked base model, the system user, and history stamping.

Every domain model inherits ``TrackedModel`` so that django-simple-history keeps a
row per change. Services say who acted and why with ``stamp()`` before saving; the
request middleware fills the user for web requests, and jobs use ``system_user()``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class TrackedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


def system_user():
    """The user that jobs record as the history user (created by a data migration)."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "Portal", "last_name": "System job"},
    )
    return user


def stamp(instance: models.Model, *, actor, reason: str) -> models.Model:
    """Mark who made the next save of ``instance`` and why, for its history row."""
    instance._history_user = actor
    instance._change_reason = reason
    return instance

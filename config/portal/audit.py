"""Audit helpers: the tracked base model, the system user, and history stamping.

Every domain model inherits ``TrackedModel`` so that django-simple-history keeps a
row per change. Services say who acted and why with ``stamp()`` before saving; the
request middleware fills the user for web requests, and jobs use ``system_user()``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AuditHistory(HistoricalRecords):
    """django-simple-history with the indexes the portal reads its history by, and no others.

    History rows are read by the record's id (the history page, disposal of a record
    with its history) — never by what the copied foreign keys point at. simple-history
    indexes every copied foreign key and ``history_date`` by default: on the largest
    tables (captured items) those indexes were most of the cost of writing a history
    row and served no query. Kept: the history id (primary key), the record's id, and
    the history user.
    """

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            if isinstance(field, models.ForeignKey):
                field.db_index = False
        return fields


class TrackedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = AuditHistory(inherit=True)

    class Meta:
        abstract = True


class DetailPage:
    """A model with a page of its own: ``detail_url_name`` names the URL, which takes the pk."""

    detail_url_name: str

    def get_absolute_url(self) -> str:
        return reverse(self.detail_url_name, args=[self.pk])


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


def actor_field(*, related_name: str = "+", on_delete=models.PROTECT, **options) -> models.ForeignKey:
    """The staff user who did something. Protected by default: staff accounts are deactivated,
    never deleted, so the record keeps saying who acted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=on_delete, related_name=related_name, **options
    )


def optional_actor_field(*, related_name: str = "+", **options) -> models.ForeignKey:
    """The staff user who did something that may not have happened (yet): empty until then."""
    return actor_field(related_name=related_name, null=True, blank=True, **options)

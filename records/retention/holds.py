"""Which records the legal holds cover, per record series.

A hold covers the union of its scopes (``records.series.scope.Scope``: AND across criteria,
OR within one), and a FOIA request's hold also keeps the request's own file (its letters and
bundles). Holds override everything: the purge asks ``held_filter`` again for every batch, at
the moment of destruction, under ``config.portal.locks.holds_shared``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from records.models import LegalHold
from records.series import REGISTRY, RecordSeries, Scope
from records.series.scope import any_of


def hold_scopes(hold: LegalHold) -> list[Scope]:
    return [Scope.of_hold_scope(row) for row in hold.scopes.all()]


def hold_filter(entry: RecordSeries, hold: LegalHold) -> Q | None:
    """The records of ``entry`` that ``hold`` covers; None when it covers none of them."""
    covered = [scope.filter(entry) for scope in hold_scopes(hold)]
    if entry.scope.own_hold:
        covered.append(Q(**{entry.scope.own_hold: hold.pk}))
    return any_of([q for q in covered if q is not None])


def active_holds() -> list[LegalHold]:
    return list(LegalHold.objects.active().prefetch_related("scopes"))


def held_filter(entry: RecordSeries, holds: Iterable[LegalHold] | None = None) -> Q | None:
    """The records of ``entry`` covered by any of ``holds`` (default: every active hold)."""
    covered = [hold_filter(entry, hold) for hold in (active_holds() if holds is None else holds)]
    return any_of([q for q in covered if q is not None])


def held_queryset(entry: RecordSeries, holds: Iterable[LegalHold] | None = None) -> models.QuerySet:
    q = held_filter(entry, holds)
    if q is None:
        return entry.model.objects.none()
    return entry.model.objects.filter(pk__in=entry.model.objects.filter(q).values("pk"))


def holds_on(record: models.Model) -> list[LegalHold]:
    """The active holds covering ``record`` (shown on its page)."""
    entry = REGISTRY.for_model(type(record))
    if entry is None:
        return []
    found = []
    for hold in active_holds():
        q = hold_filter(entry, hold)
        if q is not None and entry.model.objects.filter(q, pk=record.pk).exists():
            found.append(hold)
    return found


def hold_counts(hold: LegalHold) -> dict[str, int]:
    """Per series, how many records ``hold`` covers now."""
    return {entry.key: held_queryset(entry, [hold]).count() for entry in REGISTRY.values()}

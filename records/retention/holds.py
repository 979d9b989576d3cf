"""Which records a ``LegalHold`` covers, per record series.

A hold's scope is the union of the sites, commenters and search terms it names, limited
to its date range when it has one; a date range alone covers every record in it; records
chosen explicitly are covered whatever their date. Holds override everything: the purge
asks ``held_filter`` again for every batch, at the moment of destruction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from config.portal.calendar import start_of_local_day
from records.models import LegalHold
from records.retention.series import REGISTRY, RecordSeries


def _date_range_q(entry: RecordSeries, date_from: dt.date | None, date_to: dt.date | None) -> Q:
    if not (date_from or date_to):
        return Q()
    result = Q()
    for date_field in (entry.record_date_field, *entry.hold_scope.date_fields):
        q = Q()
        if date_from:
            q &= Q(**{f"{date_field}__gte": start_of_local_day(date_from)})
        if date_to:
            q &= Q(**{f"{date_field}__lt": start_of_local_day(date_to + dt.timedelta(days=1))})
        result |= q
    return result


def _retained_poster_q(prefixes: tuple[str, ...], commenter_ids: list[int]) -> Q:
    """Removals (at ``prefixes``) whose retained copy names one of the commenters as poster."""
    from moderation.models import Commenter

    q = Q()
    people = Commenter.objects.filter(pk__in=commenter_ids).exclude(platform_user_id="")
    for platform_id, user_id in people.values_list("platform_id", "platform_user_id"):
        for prefix in prefixes:
            q |= Q(**{f"{prefix}site__platform_id": platform_id, f"{prefix}retained_poster_id": user_id})
    return q


def scope_filter(
    entry: RecordSeries,
    *,
    site_ids: Iterable[int] = (),
    commenter_ids: Iterable[int] = (),
    terms: Iterable[str] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    explicit_hold_id: int | None = None,
    explicit_ids: Iterable[int] = (),
) -> Q | None:
    """The filter for the records of ``entry`` that a scope covers; None when it covers none."""
    scope = entry.hold_scope
    site_ids, commenter_ids, terms, explicit_ids = (
        list(site_ids),
        list(commenter_ids),
        list(terms),
        list(explicit_ids),
    )
    named = Q()
    names_something = False
    if site_ids and scope.site:
        for path in scope.paths(scope.site):
            named |= Q(**{f"{path}__in": site_ids})
        names_something = True
    if commenter_ids and (scope.commenter or scope.retained_poster):
        for path in scope.paths(scope.commenter):
            named |= Q(**{f"{path}__in": commenter_ids})
        if scope.retained_poster:
            named |= _retained_poster_q(scope.retained_poster, commenter_ids)
        names_something = bool(named)
    for term in terms:
        for text_field in scope.text_fields:
            named |= Q(**{f"{text_field}__icontains": term})
            names_something = True
    named_anything_at_all = bool(site_ids or commenter_ids or terms)
    dated = date_from is not None or date_to is not None
    result: Q | None = None
    if names_something:
        result = named & _date_range_q(entry, date_from, date_to)
    elif dated and not named_anything_at_all:
        result = _date_range_q(entry, date_from, date_to)
    if explicit_hold_id is not None and scope.explicit:
        explicit = Q()
        for path in scope.paths(scope.explicit):
            explicit |= Q(**{path: explicit_hold_id})
        result = explicit if result is None else result | explicit
    if explicit_ids and scope.explicit:
        # Explicitly chosen records are captured items (``LegalHold.comments``): each series
        # reaches them by its explicit path without the final ``legal_holds``.
        explicit = Q()
        for path in scope.paths(scope.explicit):
            if path.endswith("legal_holds"):  # not e.g. a FOIA export's "request__hold"
                explicit |= Q(**{f"{path.removesuffix('legal_holds')}pk__in": explicit_ids})
        if explicit:
            result = explicit if result is None else result | explicit
    return result


def hold_filter(entry: RecordSeries, hold: LegalHold) -> Q | None:
    """The records of ``entry`` that ``hold`` covers."""
    return scope_filter(
        entry,
        site_ids=[site.pk for site in hold.sites.all()],
        commenter_ids=[commenter.pk for commenter in hold.commenters.all()],
        terms=hold.terms(),
        date_from=hold.date_from,
        date_to=hold.date_to,
        explicit_hold_id=hold.pk,
    )


def active_holds() -> list[LegalHold]:
    return list(LegalHold.objects.active().prefetch_related("sites", "commenters"))


def held_filter(entry: RecordSeries, holds: Iterable[LegalHold] | None = None) -> Q | None:
    """The records of ``entry`` covered by any of ``holds`` (default: every active hold)."""
    result: Q | None = None
    for hold in active_holds() if holds is None else holds:
        q = hold_filter(entry, hold)
        if q is not None:
            result = q if result is None else result | q
    return result


def held_queryset(entry: RecordSeries, holds: Iterable[LegalHold] | None = None) -> models.QuerySet:
    q = held_filter(entry, holds)
    if q is None:
        return entry.model.objects.none()
    return entry.model.objects.filter(q).distinct()


def holds_on(record: models.Model) -> list[LegalHold]:
    """The active holds covering ``record`` (shown on its page)."""
    entry = next((e for e in REGISTRY.values() if e.model_label == record._meta.label), None)
    if entry is None:
        return []
    found = []
    for hold in active_holds():
        q = hold_filter(entry, hold)
        if q is not None and entry.model.objects.filter(q, pk=record.pk).exists():
            found.append(hold)
    return found


def scope_counts(**scope) -> dict[str, int]:
    """Per series, how many records a scope covers (the hold form's preview)."""
    counts = {}
    for entry in REGISTRY.values():
        q = scope_filter(entry, **scope)
        counts[entry.series] = 0 if q is None else entry.model.objects.filter(q).distinct().count()
    return counts

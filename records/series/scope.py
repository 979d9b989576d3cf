"""A scope: which records of which series a FOIA request asks for, or a legal hold keeps.

Criteria are joined by AND, the choices within one criterion by OR: "Facebook, terms sue /
lawsuit" is every Facebook record that says "sue" or "lawsuit", not every Facebook record.
A FOIA request has one scope; a legal hold one or more, and it covers their union.

A criterion a series cannot be reached by (commenters, for policy documents) works in one
of two ways:

- the scope names its series (a FOIA request's kinds of record, a hold scope limited to some
  series): the requester asked for that series, so the criterion does not narrow it (a
  request for policy documents and one commenter's comments gets the policies in force);
- the scope covers every series (a hold scope that names none): the series is not covered
  through that criterion, so a hold on a commenter never holds every policy document.

Either way a pending FOIA request's hold, which is exactly the request's scope, keeps
exactly what the request returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, reduce
from operator import or_

from django.db import models
from django.db.models import Q

from config.portal.calendar import day_bounds
from records.series.base import REGISTRY, RecordSeries, paths

EVERY_RECORD = Q(pk__isnull=False)


def any_of(conditions: list[Q]) -> Q | None:
    """The conditions joined by OR; None when there are none."""
    return reduce(or_, conditions) if conditions else None


def terms_from_text(text: str) -> tuple[str, ...]:
    """Search terms as written in a form: one term or phrase per line."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Scope:
    series: tuple[str, ...] = ()  # empty: every series
    site_ids: tuple[int, ...] = ()
    commenter_ids: tuple[int, ...] = ()
    terms: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    record_ids: tuple[int, ...] = ()  # captured items chosen explicitly

    @classmethod
    def of_request(cls, request) -> Scope:
        """The scope of a FOIA request: its kinds of record and its criteria."""
        return cls(
            series=tuple(request.record_kinds),
            site_ids=tuple(request.sites.values_list("pk", flat=True)),
            commenter_ids=tuple(request.commenters.values_list("pk", flat=True)),
            terms=terms_from_text(request.search_terms),
            date_from=request.date_from,
            date_to=request.date_to,
        )

    @classmethod
    def of_hold_scope(cls, row) -> Scope:
        """One of a legal hold's scopes (``records.HoldScope``)."""
        return cls(
            series=tuple(row.series),
            site_ids=tuple(row.site_ids),
            commenter_ids=tuple(row.commenter_ids),
            terms=terms_from_text(row.search_terms),
            date_from=row.date_from,
            date_to=row.date_to,
            record_ids=tuple(row.record_ids),
        )

    @property
    def has_criteria(self) -> bool:
        """Names sites, commenters, search terms, dates or records (not only series)."""
        return bool(
            self.site_ids
            or self.commenter_ids
            or self.terms
            or self.date_from
            or self.date_to
            or self.record_ids
        )

    @property
    def is_empty(self) -> bool:
        return not (self.series or self.has_criteria)

    @cached_property
    def _posters(self) -> list[tuple[int, str]]:
        """The commenters as (platform id, platform user id): how a retained copy names them."""
        from moderation.models import Commenter

        people = Commenter.objects.filter(pk__in=self.commenter_ids).exclude(platform_user_id="")
        return list(people.values_list("platform_id", "platform_user_id"))

    def filter(self, entry: RecordSeries) -> Q | None:
        """The records of ``entry`` this scope covers; None when it covers none."""
        if self.series and entry.key not in self.series:
            return None
        asked_for = bool(self.series)
        result = Q()
        for condition in (
            self._sites(entry) if self.site_ids else Q(),
            self._commenters(entry) if self.commenter_ids else Q(),
            self._terms(entry) if self.terms else Q(),
            self._dates(entry) if (self.date_from or self.date_to) else Q(),
            self._records(entry) if self.record_ids else Q(),
        ):
            if condition is None:
                if not asked_for:
                    return None
                continue
            result &= condition
        # Every record of the series, said so explicitly: an empty Q() would vanish when a hold's
        # scopes, or several holds, are joined by OR (Q() | q is q), and a hold on a whole series
        # would then hold only what another hold names.
        return result if result else EVERY_RECORD

    def _sites(self, entry: RecordSeries) -> Q | None:
        return any_of([Q(**{f"{path}__in": self.site_ids}) for path in paths(entry.scope.site)])

    def _commenters(self, entry: RecordSeries) -> Q | None:
        conditions = [Q(**{f"{path}__in": self.commenter_ids}) for path in paths(entry.scope.commenter)]
        for prefix in entry.scope.retained_poster:
            for platform_id, user_id in self._posters:
                conditions.append(
                    Q(**{f"{prefix}site__platform_id": platform_id, f"{prefix}retained_poster_id": user_id})
                )
        return any_of(conditions)

    def _terms(self, entry: RecordSeries) -> Q | None:
        return any_of(
            [Q(**{f"{field}__icontains": term}) for term in self.terms for field in entry.scope.text_fields]
        )

    def _dates(self, entry: RecordSeries) -> Q | None:
        if entry.scope.date_filter is not None:
            return entry.scope.date_filter(self.date_from, self.date_to)
        if not entry.scope.dates:
            return None
        return any_of(
            [
                _between(entry.model, date_field, self.date_from, self.date_to)
                for date_field in (entry.record_date_field, *entry.scope.date_fields)
            ]
        )

    def _records(self, entry: RecordSeries) -> Q | None:
        return any_of([Q(**{f"{path}__in": self.record_ids}) for path in paths(entry.scope.explicit)])

    def describe(self) -> str:
        """The scope in words, for a hold's page and its export."""
        from moderation.models import Commenter
        from sites_registry.models import Site

        parts = []
        if self.series:
            parts.append(
                "series: " + ", ".join(REGISTRY[key].label if key in REGISTRY else key for key in self.series)
            )
        if self.site_ids:
            sites = (
                Site.objects.filter(pk__in=self.site_ids).select_related("platform").order_by("account_name")
            )
            parts.append("sites: " + ", ".join(str(site) for site in sites))
        if self.commenter_ids:
            people = Commenter.objects.filter(pk__in=self.commenter_ids).order_by("display_name", "pk")
            parts.append("commenters: " + ", ".join(str(person) for person in people))
        if self.terms:
            parts.append("terms: " + " / ".join(self.terms))
        if self.date_from or self.date_to:
            start = f"{self.date_from:%Y-%m-%d}" if self.date_from else "the beginning"
            end = f"{self.date_to:%Y-%m-%d}" if self.date_to else "today"
            parts.append(f"dates: {start} to {end}")
        if self.record_ids:
            parts.append(f"{len(self.record_ids)} chosen captured item(s)")
        return "; ".join(parts) or "every record"

    def counts(self) -> dict[str, int]:
        """Per series it can cover, how many records this scope covers (a form's preview)."""
        counts = {}
        for entry in REGISTRY.values():
            if self.filter(entry) is not None:
                counts[entry.key] = entry.count(self)
        return counts


def _between(model: type[models.Model], date_field: str, date_from, date_to) -> Q:
    """The record's ``date_field`` on one of the City's days ``date_from``..``date_to``."""
    if isinstance(model._meta.get_field(date_field), models.DateTimeField):
        start, end = day_bounds(date_from, date_to)
        upper = "lt"
    else:
        start, end, upper = date_from, date_to, "lte"
    condition = Q()
    if start:
        condition &= Q(**{f"{date_field}__gte": start})
    if end:
        condition &= Q(**{f"{date_field}__{upper}": end})
    return condition

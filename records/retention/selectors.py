"""Reads for the retention pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from config.portal.calendar import CITY_TZ
from records.models import (
    DisposalCertificate,
    DisposalCertificateItem,
    DisposalCertificateLine,
    DisposalTombstone,
    LegalHold,
    RetentionSchedule,
)
from records.retention.eligibility import eligibility_date, eligible_filter
from records.retention.holds import active_holds, held_filter, held_queryset
from records.series import REGISTRY
from records.series.scope import any_of


@dataclass
class SeriesSummary:
    schedule: RetentionSchedule
    wired: bool
    by_year: list[tuple[int, int, dt.date | None]] = field(default_factory=list)
    # Records without a record date yet (a FOIA request still open, an export still being
    # built): never eligible until they have one.
    undated: int = 0
    total: int = 0
    eligible: int = 0
    held: int = 0
    awaiting_approval: int = 0
    approved_pending: int = 0
    destroyed: int = 0


def dashboard(as_of: dt.date) -> list[SeriesSummary]:
    """Per series: records by calendar year (with when each year becomes eligible), eligible
    now, held, listed on certificates awaiting approval or approved, and destroyed."""
    destroyed = dict(
        DisposalTombstone.objects.values("series").annotate(n=Count("pk")).values_list("series", "n")
    )
    listed = {
        (row["series"], row["certificate__state"]): row["n"]
        for row in DisposalCertificateItem.objects.values("series", "certificate__state").annotate(
            n=Count("pk")
        )
    }
    summaries = []
    for schedule in RetentionSchedule.objects.order_by("title"):
        entry = REGISTRY.get(schedule.series)
        summary = SeriesSummary(
            schedule=schedule, wired=entry is not None, destroyed=destroyed.get(schedule.series, 0)
        )
        summary.awaiting_approval = listed.get(
            (schedule.series, DisposalCertificate.State.DRAFT), 0
        ) + listed.get((schedule.series, DisposalCertificate.State.FILED), 0)
        summary.approved_pending = listed.get((schedule.series, DisposalCertificate.State.APPROVED), 0)
        if entry is not None:
            model = entry.model
            dated_by_instant = isinstance(
                model._meta.get_field(entry.record_date_field), models.DateTimeField
            )
            year = ExtractYear(entry.record_date_field, tzinfo=CITY_TZ if dated_by_instant else None)
            years = model.objects.annotate(year=year).values("year").annotate(n=Count("pk")).order_by("year")
            summary.by_year = [
                (row["year"], row["n"], eligibility_date(schedule, dt.date(row["year"], 12, 31)))
                for row in years
                if row["year"] is not None
            ]
            summary.undated = sum(row["n"] for row in years if row["year"] is None)
            summary.total = sum(n for _, n, _ in summary.by_year) + summary.undated
            eligible = eligible_filter(entry, schedule, as_of)
            summary.eligible = model.objects.filter(eligible).count() if eligible is not None else 0
            summary.held = held_queryset(entry).count()
        summaries.append(summary)
    return summaries


# --- A certificate's listed records that a hold covers now ---------------------------------------
# Holds override everything (DESIGN.md): a hold placed after drafting covers records the
# certificate still lists. They stay listed (the list is what was drafted) but are excluded from
# what the certificate will destroy, and the purge skips them at destruction anyway. Computed
# when asked, never stored: a hold placed or released a minute ago changes the answer.

HELD_ITEMS_PER_PAGE = 50


def _certificate_is_live(certificate: DisposalCertificate) -> bool:
    """Draft, filed or approved: records listed and still to be destroyed."""
    return certificate.state in (
        DisposalCertificate.State.DRAFT,
        DisposalCertificate.State.FILED,
        DisposalCertificate.State.APPROVED,
    )


def _held_items_q(certificate: DisposalCertificate, series: list[str], holds: list[LegalHold]) -> Q | None:
    """The certificate's items whose record an active hold covers, as one filter over items.

    Set-based: per series ``record_id IN (SELECT pk FROM <series> WHERE <held>)``, so a
    certificate of millions of items is one semi-join per series, not a loop over ids.
    """
    held_items = []
    for key in series:
        entry = REGISTRY.get(key)
        held = held_filter(entry, holds) if entry is not None else None
        if held is not None:
            held_items.append(Q(series=key, record_id__in=entry.model.objects.filter(held).values("pk")))
    return any_of(held_items)


@dataclass
class SeriesHeld:
    """One line of a certificate with what a hold covers now."""

    line: DisposalCertificateLine
    remaining: int = 0  # listed and not yet destroyed
    held: int | None = None  # of those, covered by an active hold now (None: not computed)

    @property
    def will_be_destroyed(self) -> int | None:
        return None if self.held is None else self.remaining - self.held


@dataclass
class CertificateHolds:
    """A certificate's lines, and, for a live certificate, how many listed records a hold covers."""

    certificate: DisposalCertificate
    as_of: dt.datetime  # the moment the holds were read, in the City's time zone
    rows: list[SeriesHeld]
    live: bool

    @property
    def held(self) -> int:
        return sum(row.held or 0 for row in self.rows)

    @property
    def remaining(self) -> int:
        return sum(row.remaining for row in self.rows)

    @property
    def will_be_destroyed(self) -> int:
        return sum(row.will_be_destroyed or 0 for row in self.rows)


def certificate_held_count(certificate: DisposalCertificate) -> int:
    """How many records the certificate lists that an active hold covers now (one query per
    series listed, plus the holds). ``certificate_file`` calls it under the shared hold lock."""
    series = list(certificate.items.order_by().values_list("series", flat=True).distinct())
    q = _held_items_q(certificate, series, active_holds())
    return certificate.items.filter(q).count() if q is not None else 0


def certificate_holds(certificate: DisposalCertificate) -> CertificateHolds:
    """Per series: listed, not yet destroyed, covered by an active hold now, and so will be destroyed."""
    lines = list(certificate.lines.select_related("schedule"))
    rows = [SeriesHeld(line=line) for line in lines]
    live = _certificate_is_live(certificate)
    if live:
        remaining = dict(
            certificate.items.order_by().values("series").annotate(n=Count("pk")).values_list("series", "n")
        )
        holds = active_holds()
        for row in rows:
            key = row.line.schedule.series
            row.remaining = remaining.get(key, 0)
            q = _held_items_q(certificate, [key], holds) if row.remaining else None
            row.held = certificate.items.filter(q).count() if q is not None else 0
    return CertificateHolds(
        certificate=certificate, as_of=timezone.localtime(timezone.now(), CITY_TZ), rows=rows, live=live
    )


class _CountedPaginator(Paginator):
    """A paginator told its count: the per-series counts were just computed, and counting a
    certificate of millions of items again would be the page's most expensive query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


@dataclass
class HeldItem:
    item: DisposalCertificateItem
    title: str
    holds: list[LegalHold]


def held_items_page(holds: CertificateHolds, page_number) -> Page | None:
    """One page of the listed records a hold covers now, each with the holds that cover it.

    The hold names are found for the page's records only: one query per series on the page.
    """
    if not holds.live or not holds.held:
        return None
    certificate = holds.certificate
    series = [row.line.schedule.series for row in holds.rows if row.held]
    active = list(LegalHold.objects.active().prefetch_related("scopes").order_by("placed_at"))
    items = certificate.items.filter(_held_items_q(certificate, series, active)).order_by(
        "series", "record_id"
    )
    page = _CountedPaginator(items, HELD_ITEMS_PER_PAGE, count=holds.held).get_page(page_number)
    titles = {row.line.schedule.series: row.line.schedule.title for row in holds.rows}
    covering: dict[int, list[LegalHold]] = {}
    page_items = list(page.object_list)
    for key in sorted({item.series for item in page_items}):
        entry = REGISTRY[key]
        by_hold = {}
        for hold in active:
            q = held_filter(entry, [hold])
            if q is not None:
                by_hold[f"hold_{hold.pk}"] = (
                    hold,
                    Exists(entry.model.objects.filter(q, pk=OuterRef("record_id"))),
                )
        if not by_hold:
            continue
        flags = (
            DisposalCertificateItem.objects.filter(pk__in=[i.pk for i in page_items if i.series == key])
            .annotate(**{name: expression for name, (_, expression) in by_hold.items()})
            .values("pk", *by_hold)
        )
        for row in flags:
            covering[row["pk"]] = [hold for name, (hold, _) in by_hold.items() if row[name]]
    page.object_list = [
        HeldItem(item=item, title=titles.get(item.series, item.series), holds=covering.get(item.pk, []))
        for item in page_items
    ]
    return page

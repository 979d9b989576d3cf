"""Reads for the retention pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count
from django.db.models.functions import ExtractYear

from config.portal.calendar import CITY_TZ
from records.models import DisposalCertificate, DisposalCertificateItem, DisposalTombstone, RetentionSchedule
from records.retention.eligibility import eligibility_date, eligible_filter
from records.retention.holds import held_queryset
from records.series import REGISTRY


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

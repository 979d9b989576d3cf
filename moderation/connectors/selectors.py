"""Reads of automatic capture: how each connected site's capture is doing (the health page,
the TST home panel, the e-mails to TST) and what a month of capture did (the summary to
the Communications Office).

A site's capture is in trouble when it needs reauthorization, when its last run stopped
with an error, or when it has had no successful capture for ``CAPTURE_STALE_HOURS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from config.portal.calendar import CITY_TZ, local_date, start_of_local_day
from moderation.models import CaptureRun, CaptureState, SiteConnection
from sites_registry.models import Site

DAYS_SHOWN = 7
DELETIONS_DAYS = 30


def stale_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.CAPTURE_STALE_HOURS)


def stale_states(now: datetime | None = None):
    """Capture states of connected, approved sites with no successful capture since the cutoff
    (a site connected before the cutoff and never captured counts too)."""
    cutoff = stale_cutoff(now)
    return CaptureState.objects.filter(
        connection__state=SiteConnection.State.CONNECTED, connection__site__state=Site.State.APPROVED
    ).filter(
        Q(last_success_at__lt=cutoff) | Q(last_success_at__isnull=True, connection__connected_at__lt=cutoff)
    )


@dataclass
class SiteHealth:
    connection: SiteConnection
    state: CaptureState | None
    per_day: list[tuple[date, int]] = field(default_factory=list)
    deletions: int = 0
    stale: bool = False

    @property
    def site(self) -> Site:
        return self.connection.site

    @property
    def needs_reauthorization(self) -> bool:
        return self.connection.state == SiteConnection.State.NEEDS_REAUTHORIZATION

    @property
    def connected(self) -> bool:
        return self.connection.state == SiteConnection.State.CONNECTED

    @property
    def failing(self) -> bool:
        return self.connected and bool(self.state and self.state.last_error)

    @property
    def last_success_at(self) -> datetime | None:
        return self.state.last_success_at if self.state else None

    @property
    def in_trouble(self) -> bool:
        return self.needs_reauthorization or self.failing or self.stale

    @property
    def trouble(self) -> str:
        """What is wrong, in a few words ("" when nothing is)."""
        if self.needs_reauthorization:
            return "needs reauthorization"
        words = []
        if self.failing:
            words.append("the last capture stopped with an error")
        if self.stale:
            hours = settings.CAPTURE_STALE_HOURS
            words.append(f"no successful capture for over {hours} hour{'s' if hours != 1 else ''}")
        return "; ".join(words)


def capture_health(*, now: datetime | None = None, include_disconnected: bool = True) -> list[SiteHealth]:
    """Every connection with its capture's state, new items per City day for the last seven
    days and deletions found in the last thirty: four queries whatever the number of sites."""
    now = now or timezone.now()
    connections = SiteConnection.objects.select_related("site__platform", "connected_by")
    if not include_disconnected:
        connections = connections.exclude(state=SiteConnection.State.DISCONNECTED)
    connections = list(connections.order_by("site__account_name", "pk"))
    states = {s.connection_id: s for s in CaptureState.objects.filter(connection__in=connections)}
    site_ids = [c.site_id for c in connections]
    today = local_date(now)
    days = [today - timedelta(days=n) for n in range(DAYS_SHOWN - 1, -1, -1)]
    counts: dict[tuple[int, date], int] = {}
    for row in (
        CaptureRun.objects.filter(site_id__in=site_ids, started_at__gte=start_of_local_day(days[0]))
        .annotate(day=TruncDate("started_at", tzinfo=CITY_TZ))
        .values("site_id", "day")
        .annotate(created=Sum("created"))
        .order_by()
    ):
        counts[(row["site_id"], row["day"])] = row["created"] or 0
    deletions = dict(
        CaptureRun.objects.filter(site_id__in=site_ids, started_at__gte=now - timedelta(days=DELETIONS_DAYS))
        .values("site_id")
        .annotate(found=Sum("deletions_found"))
        .order_by()
        .values_list("site_id", "found")
    )
    cutoff = stale_cutoff(now)
    rows = []
    for connection in connections:
        state = states.get(connection.pk)
        last_success = state.last_success_at if state else None
        stale = (
            connection.state == SiteConnection.State.CONNECTED
            and connection.site.state == Site.State.APPROVED
            and (last_success < cutoff if last_success else connection.connected_at < cutoff)
        )
        rows.append(
            SiteHealth(
                connection=connection,
                state=state,
                per_day=[(day, counts.get((connection.site_id, day), 0)) for day in days],
                deletions=deletions.get(connection.site_id) or 0,
                stale=stale,
            )
        )
    return rows


def capture_troubles(*, now: datetime | None = None) -> list[SiteHealth]:
    """The connected sites whose capture is failing, stale or needs reauthorization."""
    return [row for row in capture_health(now=now, include_disconnected=False) if row.in_trouble]


@dataclass
class MonthlySiteSummary:
    site: Site
    connection_state: str
    created: int
    deletions: int
    runs: int
    failed: int
    partial: int


@dataclass
class MonthlySummary:
    month_start: date
    month_end: date  # exclusive
    sites: list[MonthlySiteSummary]
    connected: int
    needing_reauthorization: list[SiteConnection]

    @property
    def created(self) -> int:
        return sum(s.created for s in self.sites)

    @property
    def deletions(self) -> int:
        return sum(s.deletions for s in self.sites)

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.sites)

    @property
    def partial(self) -> int:
        return sum(s.partial for s in self.sites)


def previous_month(today: date) -> tuple[date, date]:
    """The City month before ``today``'s: (its first day, the first day of ``today``'s month)."""
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


def monthly_summary(month_start: date, month_end: date) -> MonthlySummary:
    """What capture did in the City days [month_start, month_end): per site, the items it
    created, the deletions it found, and its failed and part-way runs."""
    runs = (
        CaptureRun.objects.filter(
            started_at__gte=start_of_local_day(month_start), started_at__lt=start_of_local_day(month_end)
        )
        .values("site_id")
        .annotate(
            created=Sum("created"),
            deletions=Sum("deletions_found"),
            runs=Count("pk"),
            failed=Count("pk", filter=Q(outcome=CaptureRun.Outcome.FAILED)),
            partial=Count("pk", filter=Q(outcome=CaptureRun.Outcome.PARTIAL)),
        )
        .order_by()
    )
    by_site = {row["site_id"]: row for row in runs}
    connections = {
        c.site_id: c
        for c in SiteConnection.objects.select_related("site__platform").order_by("site__account_name")
    }
    site_ids = set(by_site) | {c.site_id for c in connections.values() if c.state != "disconnected"}
    sites = {s.pk: s for s in Site.objects.select_related("platform").filter(pk__in=site_ids)}
    rows = []
    for site_id in sorted(site_ids, key=lambda pk: (sites[pk].account_name.lower(), pk)):
        row = by_site.get(site_id, {})
        connection = connections.get(site_id)
        rows.append(
            MonthlySiteSummary(
                site=sites[site_id],
                connection_state=connection.get_state_display() if connection else "Not connected",
                created=row.get("created") or 0,
                deletions=row.get("deletions") or 0,
                runs=row.get("runs") or 0,
                failed=row.get("failed") or 0,
                partial=row.get("partial") or 0,
            )
        )
    return MonthlySummary(
        month_start=month_start,
        month_end=month_end,
        sites=rows,
        connected=sum(1 for c in connections.values() if c.state == SiteConnection.State.CONNECTED),
        needing_reauthorization=[
            c for c in connections.values() if c.state == SiteConnection.State.NEEDS_REAUTHORIZATION
        ],
    )

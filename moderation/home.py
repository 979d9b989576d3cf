from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from config.portal import roles
from config.portal.portal_apps import Panel
from moderation.capture.models import Comment
from moderation.connectors import selectors as connector_selectors
from moderation.models import SiteConnection
from moderation.removals.models import Removal, ViolationReport

# The home page counts at most this many: an exact count of a million-row queue costs
# more than it tells ("1,000 or more" is enough to plan the day).
COUNT_CAP = 1000


def _capped(queryset) -> tuple[int, bool]:
    count = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def panels(request) -> list[Panel]:
    return [*_capture_panels(request), *_connector_panels(request), *_removal_panels(request)]


def _capture_panels(request) -> list[Panel]:
    if not roles.has_role(request.user, roles.TECHNICAL_SERVICES):
        return []
    since = timezone.now() - timedelta(days=7)
    queue_count, queue_more = _capped(Comment.objects.needs_review())
    questions_count, questions_more = _capped(Comment.objects.awaiting_response())
    recent_count, recent_more = _capped(Comment.objects.filter(captured_at__gte=since))
    return [
        Panel(
            "moderation/_home_capture.html",
            {
                "recent_count": recent_count,
                "recent_more": recent_more,
                "queue_count": queue_count,
                "queue_more": queue_more,
                "questions_count": questions_count,
                "questions_more": questions_more,
            },
            order=20,
        )
    ]


def _connector_panels(request) -> list[Panel]:
    """TST: the connected sites whose automatic capture is failing, stale or needs
    reauthorization (nothing when no site is connected)."""
    if not roles.has_role(request.user, roles.TECHNICAL_SERVICES):
        return []
    connected = SiteConnection.objects.exclude(state=SiteConnection.State.DISCONNECTED).count()
    if not connected:
        return []
    return [
        Panel(
            "moderation/_home_connectors.html",
            {
                "troubles": connector_selectors.capture_troubles(),
                "connected_count": connected,
                "stale_hours": settings.CAPTURE_STALE_HOURS,
            },
            order=19,
        )
    ]


def _removal_panels(request) -> list[Panel]:
    result = []
    user = request.user
    if roles.has_role(user, roles.COMMUNICATIONS_OFFICE):
        today = timezone.localdate()
        unresolved = ViolationReport.objects.unresolved()
        result.append(
            Panel(
                "moderation/_home_reports.html",
                {
                    "reports": unresolved.select_related("site__platform", "assignee")[:10],
                    "unresolved_count": unresolved.count(),
                    "overdue_count": ViolationReport.objects.overdue(today).count(),
                    "review_count": Removal.objects.awaiting_second_review().count(),
                    "today": today,
                },
                order=5,
            )
        )
    if roles.has_role(user, roles.TECHNICAL_SERVICES):
        result.append(
            Panel(
                "moderation/_home_removals.html",
                {
                    "without_notice": Removal.objects.in_force()
                    .filter(notices__isnull=True)
                    .select_related("site__platform")
                    .order_by("-removed_at")[:10],
                    "removed_this_week": Removal.objects.filter(
                        removed_at__gte=timezone.now() - timedelta(days=7)
                    ).count(),
                },
                order=21,
            )
        )
    return result

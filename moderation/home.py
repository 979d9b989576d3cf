from datetime import timedelta

from django.utils import timezone

from config import roles
from config.portal_apps import Panel
from moderation.models import Comment


def panels(request) -> list[Panel]:
    if not roles.has_role(request.user, roles.TECHNICAL_SERVICES):
        return []
    since = timezone.now() - timedelta(days=7)
    return [
        Panel(
            "moderation/_home_capture.html",
            {"recent_count": Comment.objects.filter(captured_at__gte=since).count()},
            order=20,
        )
    ]


# --- Removals, reports, second review (issue 5) -----------------------------------------
_capture_panels = panels


def panels(request) -> list[Panel]:  # noqa: F811 - extends the capture panels above
    from moderation.models import Removal, ViolationReport

    result = list(_capture_panels(request))
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

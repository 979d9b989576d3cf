from datetime import timedelta

from django.utils import timezone

from config import roles
from config.portal_apps import Panel
from moderation.models import Comment

# The home page counts at most this many: an exact count of a million-row queue costs
# more than it tells ("1,000 or more" is enough to plan the day).
COUNT_CAP = 1000


def _capped(queryset) -> tuple[int, bool]:
    count = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def panels(request) -> list[Panel]:
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

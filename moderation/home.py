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

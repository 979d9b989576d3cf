from config import roles
from config.portal_apps import Panel
from sites_registry.models import Site


def panels(request) -> list[Panel]:
    if not roles.has_role(request.user, roles.COMMUNICATIONS_OFFICE, roles.TECHNICAL_SERVICES):
        return []
    return [
        Panel(
            "sites_registry/_home_sites.html",
            {
                "requested": Site.objects.filter(state=Site.State.REQUESTED).select_related("platform")[:20],
                "approved_count": Site.objects.filter(state=Site.State.APPROVED).count(),
                "decides": roles.has_role(request.user, roles.COMMUNICATIONS_OFFICE),
            },
            order=10,
        )
    ]

from config.portal import roles
from config.portal.portal_apps import Panel
from sites_registry import selectors
from sites_registry.models import Site


def panels(request) -> list[Panel]:
    if not roles.has_role(request.user, roles.COMMUNICATIONS_OFFICE, roles.TECHNICAL_SERVICES):
        return []
    decides = roles.has_role(request.user, roles.COMMUNICATIONS_OFFICE)
    return [
        Panel(
            "sites_registry/_home_sites.html",
            {
                "requested": Site.objects.filter(state=Site.State.REQUESTED)
                .select_related("platform")
                .order_by("created_at")[:20],
                "approved_count": Site.objects.filter(state=Site.State.APPROVED).count(),
                "recertification_due": list(selectors.sites_due_for_recertification()[:20]),
                "decides": decides,
            },
            order=10,
        )
    ]

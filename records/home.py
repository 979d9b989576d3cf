from config import roles
from config.portal_apps import Panel
from records.models import DisposalCertificate, LegalHold


def panels(request) -> list[Panel]:
    if not roles.has_role(request.user, roles.CITY_CLERK):
        return []
    return [
        Panel(
            "records/_home_holds.html",
            {"holds": LegalHold.objects.active().order_by("-placed_at")[:20]},
            order=30,
        ),
        Panel(
            "records/_home_retention.html",
            {
                "certificates": DisposalCertificate.objects.filter(
                    state__in=[DisposalCertificate.State.DRAFT, DisposalCertificate.State.FILED]
                ).order_by("drafted_at")
            },
            order=31,
        ),
    ]

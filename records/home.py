from config.portal import roles
from config.portal.portal_apps import Panel
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


# --- FOIA ---
_panels_before_foia = panels


def panels(request) -> list[Panel]:  # noqa: F811
    """Adds the FOIA deadlines: overdue requests and those due within 2 business days."""
    result = _panels_before_foia(request)
    if roles.has_role(request.user, roles.CITY_CLERK):
        from records.foia.digest import deadlines

        result.append(Panel("records/foia/_home_deadlines.html", {"deadlines": deadlines()}, order=25))
    return result

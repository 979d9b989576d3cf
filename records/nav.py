from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import NavItem


def items(user) -> list[NavItem]:
    if not roles.has_role(user, roles.CITY_CLERK):
        return []
    return [
        NavItem("FOIA requests", reverse("records:foia-list")),
        NavItem("Retention", reverse("records:retention-dashboard")),
        NavItem("Legal holds", reverse("records:hold-list")),
        NavItem("Disposal certificates", reverse("records:certificate-list")),
    ]


def public_links() -> list[NavItem]:
    return [
        NavItem("Ask for public records (FOIA)", reverse("records:foia-public-request")),
        NavItem("Public log of FOIA requests", reverse("records:foia-public-log")),
    ]

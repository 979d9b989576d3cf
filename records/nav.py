from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import RECORDS, NavItem


def items(user) -> list[NavItem]:
    if not roles.has_role(user, roles.CITY_CLERK):
        return []
    return [
        NavItem("FOIA requests", reverse("records:foia-list"), RECORDS),
        NavItem("Retention", reverse("records:retention-dashboard"), RECORDS),
        NavItem("Legal holds", reverse("records:hold-list"), RECORDS),
        NavItem("Disposal certificates", reverse("records:certificate-list"), RECORDS),
    ]


def public_links() -> list[NavItem]:
    return [
        NavItem("Ask for public records (FOIA)", reverse("records:foia-public-request")),
        NavItem("Public log of FOIA requests", reverse("records:foia-public-log")),
    ]

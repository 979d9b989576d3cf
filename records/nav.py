from django.urls import reverse

from config import roles
from config.portal_apps import NavItem


def items(user) -> list[NavItem]:
    result: list[NavItem] = []
    # --- FOIA (issue 7) ---
    if roles.has_role(user, roles.CITY_CLERK):
        result.append(NavItem("FOIA requests", reverse("records:foia-list")))
    return result

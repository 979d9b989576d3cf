from __future__ import annotations

from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import SITES, NavItem
from sites_registry.models import PolicyDocument


def items(user) -> list[NavItem]:
    entries = []
    if roles.has_role(user):
        entries.append(NavItem("Sites", reverse("sites_registry:site-list"), SITES))
    if roles.has_role(user, roles.COMMUNICATIONS_OFFICE):
        entries.append(NavItem("Site queue", reverse("sites_registry:site-queue"), SITES))
        entries.append(NavItem("Policies", reverse("sites_registry:policy-manage"), SITES))
    return entries


def public_links() -> list[NavItem]:
    """Footer links every page carries: the directory and each policy the ordinance makes public."""
    links = [NavItem("Directory of official accounts", reverse("sites_registry:directory"))]
    for kind, label in PolicyDocument.Kind.choices:
        if kind == PolicyDocument.Kind.DISCLAIMER:
            links.append(NavItem(label, reverse("sites_registry:disclaimer")))
        else:
            links.append(NavItem(label, reverse("sites_registry:policy-current", args=[kind])))
    return links

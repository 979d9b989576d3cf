from django.urls import reverse

from config import roles
from config.portal_apps import NavItem


def items(user) -> list[NavItem]:
    entries = []
    if roles.has_role(user, roles.TECHNICAL_SERVICES):
        entries.append(NavItem("Monitoring queue", reverse("moderation:queue")))
    if roles.has_role(user):
        entries.append(NavItem("Captured comments", reverse("moderation:comment-search")))
    if roles.has_role(user, roles.TECHNICAL_SERVICES):
        entries.append(NavItem("Import captures", reverse("moderation:capture-upload")))
    return entries

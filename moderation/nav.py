"""Staff navigation entries and public links of the moderation app."""

from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import NavItem


def items(user) -> list[NavItem]:
    entries: list[NavItem] = []
    # Capture
    if roles.has_role(user, roles.TECHNICAL_SERVICES):
        entries.append(NavItem("Monitoring queue", reverse("moderation:queue")))
    if roles.has_role(user):
        entries.append(NavItem("Captured comments", reverse("moderation:comment-search")))
    if roles.has_role(user, roles.TECHNICAL_SERVICES):
        entries.append(NavItem("Import captures", reverse("moderation:capture-upload")))
    if roles.has_role(user, roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE):
        entries.append(NavItem("Capture health", reverse("moderation:capture-health")))
    # Removals, reports, referrals and restrictions
    if roles.has_role(user, roles.COMMUNICATIONS_OFFICE):
        entries.append(NavItem("Reports", reverse("moderation:report-list")))
        entries.append(NavItem("Second review", reverse("moderation:review-queue")))
    if roles.has_role(user):
        entries.append(NavItem("Removals", reverse("moderation:removal-list")))
        entries.append(NavItem("Referrals", reverse("moderation:referral-list")))
        entries.append(NavItem("Blocked accounts", reverse("moderation:restriction-list")))
    return entries


def public_links() -> list[NavItem]:
    return [NavItem("Transparency report: comment removals", reverse("moderation:transparency-report"))]

"""Staff navigation entries and public links of the moderation app."""

from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import MODERATION, SITES, NavItem


def items(user) -> list[NavItem]:
    entries: list[NavItem] = []
    # Capture
    if roles.has_role(user, roles.TECHNICAL_SERVICES):
        entries.append(NavItem("Monitoring queue", reverse("moderation:queue"), MODERATION))
    if roles.has_role(user):
        entries.append(NavItem("Captured comments", reverse("moderation:comment-search"), MODERATION))
    if roles.has_role(user, roles.TECHNICAL_SERVICES):
        entries.append(NavItem("Import captures", reverse("moderation:capture-upload"), MODERATION))
    if roles.has_role(user, roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE):
        entries.append(NavItem("Capture health", reverse("moderation:capture-health"), SITES))
    # Removals, reports, referrals and restrictions
    if roles.has_role(user, roles.COMMUNICATIONS_OFFICE):
        entries.append(NavItem("Reports", reverse("moderation:report-list"), MODERATION))
        entries.append(NavItem("Second review", reverse("moderation:review-queue"), MODERATION))
    if roles.has_role(user):
        entries.append(NavItem("Removals", reverse("moderation:removal-list"), MODERATION))
        entries.append(NavItem("Referrals", reverse("moderation:referral-list"), MODERATION))
        entries.append(NavItem("Blocked accounts", reverse("moderation:restriction-list"), MODERATION))
    return entries


def public_links() -> list[NavItem]:
    return [NavItem("Transparency report: comment removals", reverse("moderation:transparency-report"))]

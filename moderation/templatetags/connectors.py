"""``{% load connectors %}``: whether a site's platform has an API the portal captures from
(for the "Connect to platform" link on the site's page)."""

from django import template

from moderation.connectors.services import CONNECTABLE_PLATFORMS

register = template.Library()


@register.filter
def connectable(site) -> bool:
    return site.platform.slug in CONNECTABLE_PLATFORMS

from django import template

from sites_registry.models import Site

register = template.Library()


@register.inclusion_tag("sites_registry/public/_directory_table.html")
def official_accounts():
    """The directory of official accounts, for the public home page."""
    sites = Site.objects.official().select_related("platform").order_by("platform__name", "account_name")
    return {"sites": list(sites), "caption": "Official City accounts"}

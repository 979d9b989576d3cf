from django import template

from config.portal.public_cache import DIRECTORY, cached_data, snapshot
from sites_registry import selectors

register = template.Library()


@register.inclusion_tag("sites_registry/public/_directory_table.html", takes_context=True)
def official_accounts(context):
    """The directory of official accounts, for the public home page: the directory's data as the
    directory page has it, computed once per change (config/portal/public_cache.py)."""
    request = context.get("request")
    snap = getattr(request, "public_snapshot", None) or snapshot(DIRECTORY)
    official, _retired = cached_data("directory", snap, selectors.public_directory)
    return {"sites": official, "caption": "Official City accounts"}

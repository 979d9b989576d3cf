from urllib.parse import urlsplit

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from config.portal import roles
from config.portal.portal_apps import nav_groups, public_links


def _official_domain() -> str:
    """The City's own domain (``citykankakee-il.gov``) for the official-site banner."""
    host = urlsplit(settings.CITY_WEBSITE_URL).hostname or ""
    return host.removeprefix("www.")


def _search_scope(user) -> str:
    if user is not None and roles.has_role(user, roles.CITY_CLERK):
        return "items, commenters, sites, FOIA requests and holds"
    return "items, commenters and sites"


def portal(request):
    user = getattr(request, "user", None)
    if user is not None and _second_factor_pending(user):
        # Signed in with the password only: no staff navigation until the second factor.
        user = None
    return {
        "CITY_DOMAIN": _official_domain(),
        "CITY_NAME": settings.CITY_NAME,
        "CITY_WEBSITE_URL": settings.CITY_WEBSITE_URL,
        "portal_roles": SimpleLazyObject(lambda: sorted(roles.user_roles(user)) if user else []),
        "is_staff_member": SimpleLazyObject(lambda: bool(user) and roles.has_role(user)),
        "public_footer_links": SimpleLazyObject(public_links),
        "search_scope": SimpleLazyObject(lambda: _search_scope(user)),
        "staff_nav": SimpleLazyObject(
            lambda: nav_groups(user, request.path) if user and roles.has_role(user) else []
        ),
    }


def _second_factor_pending(user) -> bool:
    from config.portal.accounts import mfa

    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified) and not is_verified() and mfa.second_factor_required(user)

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from config.portal import roles
from config.portal.portal_apps import nav_items, public_links


def portal(request):
    user = getattr(request, "user", None)
    if user is not None and _second_factor_pending(user):
        # Signed in with the password only: no staff navigation until the second factor.
        user = None
    return {
        "CITY_NAME": settings.CITY_NAME,
        "CITY_WEBSITE_URL": settings.CITY_WEBSITE_URL,
        "portal_roles": SimpleLazyObject(lambda: sorted(roles.user_roles(user)) if user else []),
        "is_staff_member": SimpleLazyObject(lambda: bool(user) and roles.has_role(user)),
        "public_footer_links": SimpleLazyObject(public_links),
        "staff_nav": SimpleLazyObject(lambda: nav_items(user) if user and roles.has_role(user) else []),
    }


def _second_factor_pending(user) -> bool:
    from config.portal.accounts import mfa

    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified) and not is_verified() and mfa.second_factor_required(user)

"""The staff roles of DESIGN.md as Django groups, and the checks portal pages use.

Groups are created by a data migration (``config/migrations/0001_roles_and_system_user``)
so every database has them; their model permissions (used in the admin, should an
administrator make a staff member an admin user) are synchronised after every migrate
from ``ROLE_PERMISSIONS`` below, since permissions of later apps do not exist when
the data migration runs. Portal pages check group membership, not model permissions:
a role is a job in the City, and the page decides what that job may do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

COMMUNICATIONS_OFFICE = "Communications Office"
TECHNICAL_SERVICES = "Technical Services Team"
CITY_CLERK = "City Clerk"
STAFF_ROLES = (COMMUNICATIONS_OFFICE, TECHNICAL_SERVICES, CITY_CLERK)

# Model permissions per role: app label -> actions. Nobody but a superuser gets
# "delete": records are destroyed only by the disposal process (records app).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # FOIA requests, holds and certificates are the Clerk's: other roles see none of them.
    COMMUNICATIONS_OFFICE: {
        "sites_registry": ("view", "add", "change"),
        "moderation": ("view", "change"),
    },
    TECHNICAL_SERVICES: {
        "sites_registry": ("view", "add", "change"),
        "moderation": ("view", "add", "change"),
    },
    CITY_CLERK: {
        "sites_registry": ("view",),
        "moderation": ("view",),
        "records": ("view", "add", "change"),
    },
}


def user_roles(user) -> frozenset[str]:
    """The staff roles of ``user``, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = frozenset(name for name in user.groups.values_list("name", flat=True) if name in STAFF_ROLES)
        user._portal_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True if the user holds one of ``roles`` (any staff role when none is named).

    Superusers (the administrators) pass every role check.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    held = user_roles(user)
    return bool(held & set(roles or STAFF_ROLES))


def require_role(user, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of ``roles``; for services."""
    if not has_role(user, *roles):
        wanted = " or ".join(roles or STAFF_ROLES)
        raise PermissionDenied(f"This action is for the {wanted}.")


def role_required(*roles: str) -> Callable:
    """Decorator for function views: 403 unless the user holds one of ``roles``.

    Anonymous users never reach it: LoginRequiredMiddleware sends them to the login page.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.portal_roles = roles or STAFF_ROLES
        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views: set ``roles`` to the groups that may use the page."""

    roles: Iterable[str] = STAFF_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def sync_role_permissions(using: str = "default") -> None:
    from django.contrib.auth.models import Group, Permission

    for role, apps in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for app_label, actions in apps.items():
            wanted.extend(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label,
                    codename__regex=r"^({})_".format("|".join(actions)),
                )
            )
        group.permissions.set(wanted)


def sync_role_permissions_on_migrate(sender, using="default", **kwargs) -> None:
    sync_role_permissions(using=using)

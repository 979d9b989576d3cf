"""How the domain apps plug into the shared layout without editing it.

Each domain app may have a ``nav`` module with ``items(user) -> list[NavItem]`` (its entries in
the staff navigation, each in one of the ``NAV_GROUPS``) and optionally ``public_links() ->
list[NavItem]`` (its public pages, linked from every page's footer); a ``home`` module with
``panels(request) -> list[Panel]`` (its sections of the staff home page); and a ``search`` module
with ``sections(user, query) -> list[SearchSection]`` (what the header's search finds among its
records, only those the user's roles may see).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

DOMAIN_APPS = ("sites_registry", "moderation", "records")


# The staff header's menus, in this order; an app's entries name the menu they belong to.
SITES, MODERATION, RECORDS, ADMIN = "Sites", "Moderation", "Records", "Admin"
NAV_GROUPS = (SITES, MODERATION, RECORDS, ADMIN)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    group: str = ""


@dataclass
class NavGroup:
    label: str
    items: list[NavItem]
    # The entry of the page being shown (the longest URL the path starts with), if any.
    current_url: str = ""

    @property
    def slug(self) -> str:
        return self.label.lower()

    def mark_current(self, path: str) -> None:
        matching = [item.url for item in self.items if path == item.url or path.startswith(item.url)]
        self.current_url = max(matching, key=len, default="")


@dataclass(frozen=True)
class SearchResult:
    label: str
    url: str
    detail: str = ""


@dataclass
class SearchSection:
    title: str
    results: list[SearchResult]
    more_url: str = ""
    has_more: bool = False


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def _hook(app: str, module: str):
    try:
        return importlib.import_module(f"{app}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{app}.{module}":
            return None
        raise


def _collect(module: str, function: str, *args) -> list:
    """What ``module.function(*args)`` returns in each domain app, joined in app order; an app
    without that module or function adds nothing."""
    collected = []
    for app in DOMAIN_APPS:
        hook = _hook(app, module)
        if hook is not None and hasattr(hook, function):
            collected.extend(getattr(hook, function)(*args))
    return collected


def nav_items(user) -> list[NavItem]:
    return _collect("nav", "items", user)


def nav_groups(user, path: str = "") -> list[NavGroup]:
    """The staff menus ``user`` has entries in, in ``NAV_GROUPS`` order; an empty menu is left out.
    The entry of ``path`` (the page shown) is marked current in the one menu that has it."""
    from django.urls import reverse

    items = nav_items(user)
    if getattr(user, "is_superuser", False):
        items.append(NavItem("Admin site", reverse("admin:index"), ADMIN))
        items.append(NavItem("Users and roles", reverse("admin:auth_user_changelist"), ADMIN))
        items.append(NavItem("Retention schedules", reverse("records:schedule-list"), ADMIN))
    unknown = {item.group for item in items} - set(NAV_GROUPS)
    if unknown:
        raise ValueError(f"Navigation entries name no menu of NAV_GROUPS: {sorted(unknown)}")
    groups = [NavGroup(label, [item for item in items if item.group == label]) for label in NAV_GROUPS]
    groups = [group for group in groups if group.items]
    for group in groups:
        group.mark_current(path)
    best = max(groups, key=lambda group: len(group.current_url), default=None)
    for group in groups:
        if group is not best:
            group.current_url = ""
    return groups


def search_sections(user, query: str) -> list[SearchSection]:
    """What the header's search finds for ``query``, section by section, as ``user`` may see it."""
    return _collect("search", "sections", user, query)


def public_links() -> list[NavItem]:
    """Links to the public pages (directory, policies, transparency) for the footer."""
    return _collect("nav", "public_links")


def home_panels(request) -> list[Panel]:
    return sorted(_collect("home", "panels", request), key=lambda panel: panel.order)

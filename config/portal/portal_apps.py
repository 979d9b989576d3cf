"""How the domain apps plug into the shared layout without editing it.

Each domain app may have a ``nav`` module with ``items(user) -> list[NavItem]`` (its
entries in the staff navigation) and optionally ``public_links() -> list[NavItem]``
(its public pages, linked from every page's footer) and a ``home`` module with
``panels(request) -> list[Panel]`` (its sections of the staff home page).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

DOMAIN_APPS = ("sites_registry", "moderation", "records")


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


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


def nav_items(user) -> list[NavItem]:
    items: list[NavItem] = []
    for app in DOMAIN_APPS:
        module = _hook(app, "nav")
        if module is not None:
            items.extend(module.items(user))
    return items


def public_links() -> list[NavItem]:
    """Links to the public pages (directory, policies, transparency) for the footer."""
    links: list[NavItem] = []
    for app in DOMAIN_APPS:
        module = _hook(app, "nav")
        if module is not None and hasattr(module, "public_links"):
            links.extend(module.public_links())
    return links


def home_panels(request) -> list[Panel]:
    panels: list[Panel] = []
    for app in DOMAIN_APPS:
        module = _hook(app, "home")
        if module is not None:
            panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)

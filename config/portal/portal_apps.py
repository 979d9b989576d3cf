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


def public_links() -> list[NavItem]:
    """Links to the public pages (directory, policies, transparency) for the footer."""
    return _collect("nav", "public_links")


def home_panels(request) -> list[Panel]:
    return sorted(_collect("home", "panels", request), key=lambda panel: panel.order)

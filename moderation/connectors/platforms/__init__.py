"""The connectors, one module per platform with a public API, by platform slug."""

from __future__ import annotations

from importlib import import_module

CONNECTORS = {
    "facebook": "moderation.connectors.platforms.facebook.FacebookConnector",
    "instagram": "moderation.connectors.platforms.instagram.InstagramConnector",
    "x": "moderation.connectors.platforms.x.XConnector",
    "youtube": "moderation.connectors.platforms.youtube.YouTubeConnector",
}


def connector_class(platform_slug: str):
    module, _, name = CONNECTORS[platform_slug].rpartition(".")
    return getattr(import_module(module), name)

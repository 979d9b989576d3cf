"""Importers of captured posts and comments, one module per platform format.

Each reader takes a binary stream and the ``Site`` and yields ``CapturedItem`` objects;
``moderation.capture.services.captures_import_file`` writes them. Formats:

=============  =========================================================  ==========
format         what                                                       platform
=============  =========================================================  ==========
facebook       Meta Graph API ``/{post-id}/comments``, ``/{page-id}/posts``  facebook
               or ``/feed`` (with nested comments)
instagram      Instagram Graph API ``/{media-id}/comments``, one IG       instagram
               Comment, an ``?ids=`` lookup, or ``/{ig-user-id}/media``
               (the account's posts)
x-api          X API v2 responses: one, several, or twarc2 JSON Lines      x
x-archive      ``data/tweets.js`` or ``data/deleted-tweets.js`` from an    x
               X account archive
youtube        YouTube Data API ``commentThreads.list`` or ``comments.list``  youtube
csv            the portal's CSV format (see portal_format)                any
jsonl          the portal's JSON Lines format (see portal_format)         any
=============  =========================================================  ==========
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from moderation.capture.importers import facebook, instagram, portal_format, x, youtube
from moderation.capture.importers.base import Author, CapturedItem, CaptureError


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    reader: Callable
    platform_slug: str | None  # None: any platform


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("facebook", "Facebook Graph API comments or Page posts (JSON)", facebook.read, "facebook"),
        Format(
            "instagram",
            "Instagram Graph API comments (a page, one comment or an ?ids= lookup) or media listing (JSON)",
            instagram.read,
            "instagram",
        ),
        Format("x-api", "X API v2 responses (JSON, or twarc2 JSON Lines)", x.read_api, "x"),
        Format(
            "x-archive", "X account archive data/tweets.js or data/deleted-tweets.js", x.read_archive, "x"
        ),
        Format(
            "youtube", "YouTube Data API commentThreads or comments response (JSON)", youtube.read, "youtube"
        ),
        Format("csv", "Portal CSV", portal_format.read_csv, None),
        Format("jsonl", "Portal JSON Lines", portal_format.read_jsonl, None),
    )
}

__all__ = ["FORMATS", "Format", "Author", "CapturedItem", "CaptureError"]

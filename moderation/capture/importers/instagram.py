"""Instagram posts and comments from the Instagram Graph API.

Four shapes:

- a page of comments: ``GET /{ig-media-id}/comments`` (or ``/{ig-comment-id}/replies``)
  answers ``{"data": [...], "paging": {...}}``, replies nested under ``replies.data``;
- a page of the account's posts: ``GET /{ig-user-id}/media`` answers IG Media objects in
  the same shape; each is a City post (``caption`` its text, ``timestamp``, ``permalink``),
  with its comments if they were requested nested (``comments{…}``);
- one comment: ``GET /{ig-comment-id}`` answers the comment object itself;
- a lookup: ``GET /?ids=A,B`` answers an object keyed by id, each value a comment.

Which listing a page is comes from its paging URLs (the edge: ``…/media``, ``…/comments``,
``…/replies``), or the URL a connector fetched it from (``listing_url``), or, with neither
(a last or only page has no paging URL), from fields only media have (``caption``,
``media_type``, …). Media anywhere else (one object, a page of comments, another
account's media listed by ``/tags``) are refused: they are not the City's posts, and a
post read as a comment would keep its caption as no one's words.

Only ``id``, ``text`` and ``timestamp`` are returned unless more fields are requested, so
the author may be unknown (None). Where the payload names the author, the key is the
platform's stable user id, not the username, which the account holder can change:

- ``from{id,username}`` (since October 2021): the commenter's Instagram-scoped id;
- ``user{id}``: documented as "ID of IG User who created the IG Comment. Only returned if
  the app user created the IG Comment, otherwise username will be returned instead". The
  app user is the account whose token captured the file, the City's own, so a comment
  with ``user`` is the City's (``from_city``);
- ``username`` alone (no id anywhere): the username is the key, as nothing else names
  the commenter.

The username is the display name and handle. A top-level comment's parent is the media
(the City's post) it is on, from ``media{id}`` or, for a page of ``/{media-id}/comments``,
the paging URL; a reply's parent is its comment (``parent_id``, or the comment it is
nested in, or ``/{comment-id}/replies``). A post's author is its owner (``owner{id}``,
returned to the account that posted it) or, without it, its ``username``. Payloads are
the exact text in the file.
"""

from __future__ import annotations

import json

from moderation.capture.importers import scan
from moderation.capture.importers.base import (
    Author,
    CapturedItem,
    CaptureError,
    Fields,
    dump_payload,
    json_kind,
)
from moderation.capture.importers.graph import graph_edge, survey, whole_object
from moderation.capture.importers.stream import json_array_items, nested_items

PLATFORM = "instagram"
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S%z",)
# A file that is one object (one comment, or an ?ids= lookup of at most 50) is read whole.
MAX_OBJECT_FILE = 8 * 1024 * 1024
# Fields of an IG Media object that an IG Comment never has.
MEDIA_FIELDS = ("caption", "media_type", "media_url", "media_product_type", "comments", "comments_count")
# The account's own posts: ``GET /{ig-user-id}/media``.
MEDIA_EDGE = "media"


def read(stream, *, site, listing_url: str = ""):
    """``listing_url``: the URL the page was fetched from (a connector's), which says what
    the listing is when the page's own paging URLs do not."""
    shape = survey(stream, watch=frozenset(MEDIA_FIELDS))
    stream.seek(0)
    if shape.has_data_array:
        media_id, replies_to = "", ""
        object_id, edge = shape.edge
        if not edge:
            object_id, edge = graph_edge(listing_url)
        if edge == MEDIA_EDGE or (not edge and shape.item_keys):
            for index, obj, raw in json_array_items(
                stream, "data", what="an Instagram Graph API media listing"
            ):
                yield from _media(Fields(obj, f"data[{index}]"), raw, site=site)
            return
        if edge == "comments":
            media_id = object_id
        elif edge == "replies":
            replies_to = object_id
        for index, obj, raw in json_array_items(
            stream, "data", what="an Instagram Graph API comments response"
        ):
            yield from _item(
                Fields(obj, f"data[{index}]"),
                raw,
                site=site,
                parent_id=replies_to,
                media_id=media_id,
            )
        return
    if shape.top == "an object" and shape.has_id:
        text, obj, start, end = whole_object(stream, limit=MAX_OBJECT_FILE, what="one comment object")
        yield from _item(Fields(obj, "the comment"), text[start:end], site=site, parent_id="", media_id="")
        return
    if (
        shape.top == "an object"
        and shape.top_key_count
        and shape.top_keys_numeric
        and shape.top_object_values == shape.top_key_count
    ):
        text, _lookup, start, _end = whole_object(stream, limit=MAX_OBJECT_FILE, what="an ?ids= lookup")
        for key, raw in _members(text, start):
            # Parsed from its own text, so a key given twice pairs each value with its text.
            fields = Fields(json.loads(raw), f"[“{key[:40]}”]")
            if fields.identifier("id", required=False) not in ("", key):
                raise fields.error("id", f"is not the id it is listed under (“{key[:40]}”)")
            yield from _item(fields, raw, site=site, parent_id="", media_id="", listed_id=key)
        return
    raise CaptureError(
        "this is not an Instagram Graph API comments response: expected a page (an object with a "
        "“data” list), one comment (an object with an “id”) or an ?ids= lookup (an object of "
        f"comments keyed by id), found {shape.describe()}"
    )


def _media(fields: Fields, raw: str | None, *, site):
    """An IG Media object of the account's own listing: a City post, and the comments nested in it."""
    media_id = fields.identifier("id")
    username = fields.text("username", required=False, max_length=500)
    owner = fields.child("owner")
    owner_id = owner.identifier("id", required=False) if owner is not None else ""
    key = owner_id or username
    author = (
        Author(
            platform_user_id=key,
            display_name=username,
            profile_url=f"https://www.instagram.com/{username}/" if username else "",
            handle=username,
        )
        if key
        else None
    )
    yield CapturedItem(
        platform_item_id=media_id,
        kind="city_post",
        text=fields.body("caption"),
        posted_at=fields.timestamp("timestamp", formats=TIME_FORMATS),
        raw_payload=raw if raw is not None else dump_payload(fields.obj),
        author=author,
        from_city=True,
        permalink=fields.url("permalink"),
        location=fields.location,
        content=fields.obj,
    )
    for comment, comment_raw in nested_items(fields, raw, "comments", "data"):
        yield from _item(comment, comment_raw, site=site, parent_id="", media_id=media_id)


def _item(fields: Fields, raw: str | None, *, site, parent_id: str, media_id: str, listed_id: str = ""):
    for key in MEDIA_FIELDS:
        if fields.has(key):
            # An IG Media object (a post) read as a comment would keep its caption as no
            # one's words and drop its comments: refused, by the field that shows it.
            raise fields.error(
                key, "belongs to an IG Media object (a post), not a comment: export its /comments"
            )
    item_id = fields.identifier("id", required=not listed_id) or listed_id
    username = fields.text("username", required=False, max_length=500)
    author, from_city = _author(fields, username)
    media = fields.child("media")
    if media is not None:
        media_id = media.identifier("id", required=False) or media_id
    parent_id = fields.identifier("parent_id", required=False) or parent_id
    kind = "reply" if parent_id else "comment"
    item = CapturedItem(
        platform_item_id=item_id,
        kind=kind,
        text=fields.body("text"),
        posted_at=fields.timestamp("timestamp", formats=TIME_FORMATS),
        raw_payload=raw if raw is not None else dump_payload(fields.obj),
        author=author,
        from_city=from_city,
        # A comment is on the media, the City's post: linked to it when that is captured.
        parent_platform_item_id=parent_id or media_id,
        permalink=_permalink(media, item_id),
        platform_state="hidden" if fields.boolean("hidden") else "visible",
        location=fields.location,
        content=fields.obj,
    )
    yield item
    for reply, reply_raw in nested_items(fields, raw, "replies", "data"):
        yield from _item(reply, reply_raw, site=site, parent_id=item_id, media_id=media_id)


def _author(fields: Fields, username: str) -> tuple[Author | None, bool | None]:
    """The author, keyed by a stable id where there is one; and True if it is the City."""
    who = fields.child("from")
    user_id = who.identifier("id", required=False) if who is not None else ""
    if who is not None:
        username = who.text("username", required=False, max_length=500) or username
    from_city = None
    app_user = fields.obj.get("user")
    if app_user is not None:
        # Given only when the account that captured the file wrote the comment.
        from_city = True
        if isinstance(app_user, dict):
            owner_id = Fields(app_user, f"{fields.location}.user").identifier("id", required=False)
        elif isinstance(app_user, (str, int)) and not isinstance(app_user, bool):
            owner_id = fields.identifier("user")
        else:
            raise fields.error("user", f"expected an object with an id, got {json_kind(app_user)}")
        user_id = user_id or owner_id
    key = user_id or username
    if not key:
        return None, from_city
    return (
        Author(
            platform_user_id=key,
            display_name=username,
            profile_url=f"https://www.instagram.com/{username}/" if username else "",
            handle=username,
        ),
        from_city,
    )


def _permalink(media: Fields | None, item_id: str) -> str:
    """The comment's own page, when the media's permalink was requested (``media{permalink}``)."""
    media_url = media.url("permalink") if media is not None else ""
    return f"{media_url.rstrip('/')}/c/{item_id}/" if media_url else ""


def _members(text: str, start: int) -> list[tuple[str, str]]:
    """``(key, exact text of the value)`` of each member of the lookup object at ``start``
    (a key given twice keeps both, each with its own text)."""
    found = []

    def member(key: str, at: int) -> int:
        _value, end = scan.value(text, at)
        found.append((key, text[at:end]))
        return end

    scan.members(text, start, member, location="", unique=False)
    return found

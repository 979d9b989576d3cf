"""Facebook Page posts and comments from the Meta Graph API.

Two listings, both ``{"data": [...], "paging": {...}}``:

- **Comments**: ``GET /{post-id}/comments?filter=stream&fields=id,message,from{id,name},
  created_time,parent{id},is_hidden,permalink_url,comments{…}``. Replies come nested under
  ``comments.data`` or flat (``filter=stream``) with ``parent.id``.
- **Posts**: ``GET /{page-id}/posts`` (or ``/feed``, ``/published_posts``): the Page's posts
  at the top level, each perhaps with its comments nested under ``comments.data``.

Which listing a file is comes from its paging URLs (the edge: ``…/comments``, ``…/posts``),
or the URL a connector fetched the page from (``listing_url``), or, without them, from
fields only posts have (``story``, ``status_type``, ``full_picture``,
``attachments``, …); the file is read once for that, then item by item.

What the Graph API leaves out, and what is done instead:

- ``from`` is only given where the app may see who wrote (Page Public Content Access has
  not had it since v11): the author is then unknown (None). On a posts listing an item
  without ``from`` is the Page's own post, as ``/posts`` lists only those; on ``/feed`` a
  visitor's post without ``from`` cannot be told from the Page's (request ``from``).
- ``id`` of a comment is not returned to apps that cannot moderate the Page (v11 on). The
  comment's numbers are then in ``permalink_url`` (``?comment_id=C`` and, for a reply,
  ``&reply_comment_id=R``) and the id is built as the Graph API writes it,
  ``{object}_{C}`` (``{object}_{R}`` for a reply, whose parent is ``{object}_{C}``), so a
  later capture with ``id`` granted is the same item. ``{object}`` is the number of the
  post in the permalink: ``/posts/N``, ``permalink.php?story_fbid=N``, ``/videos/N``,
  ``/photos/…/N``, ``photo.php?fbid=N``, ``watch?v=N``, ``/groups/G/posts/N``. When the
  permalink hides it (``/posts/pfbid…``) the listing's own object (``/{page}_{N}/comments``)
  or the enclosing post gives it; failing all, the comment's number alone is its id.
- Page Post comment ids of the old three-part form ``{page}_{post}_{comment}`` are kept.

A top-level comment's parent is its post's Graph id, ``{page-id}_{N}``, when the file
says which (the listing's URL, a three-part id, or a permalink naming the Page by number):
so it is linked to the City post when that is captured, whichever comes first. A permalink
naming the Page by its vanity name does not give its number, and the parent is then left
unknown rather than guessed.

Each item's payload is its exact text in the file (a post's or comment's includes what is
nested in it, as Facebook sent it; each nested item also has its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from moderation.capture.importers.base import Author, CapturedItem, CaptureError, Fields, dump_payload
from moderation.capture.importers.graph import graph_edge, survey
from moderation.capture.importers.stream import json_array_items, nested_items

PLATFORM = "facebook"
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S%z",)

# Fields a Graph API Post has and a Comment does not.
POST_FIELDS = frozenset(
    {
        "story",
        "story_tags",
        "status_type",
        "full_picture",
        "picture",
        "attachments",
        "is_published",
        "published",
        "privacy",
        "shares",
        "updated_time",
        "is_expired",
        "promotable_id",
        "type",
        "link",
        "icon",
        "actions",
        "properties",
        "call_to_action",
    }
)
# Fields a Graph API Comment has and a Post does not.
COMMENT_FIELDS = (
    "parent",
    "comment_count",
    "like_count",
    "can_remove",
    "can_hide",
    "can_like",
    "user_likes",
    "attachment",
)
# Edges whose items are posts; on the visitors' edges they are not the Page's.
POST_EDGES = frozenset({"posts", "feed", "published_posts", "promotable_posts", "visitor_posts", "tagged"})
VISITOR_EDGES = frozenset({"visitor_posts", "tagged"})

_NUMBER = re.compile(r"^\d{1,30}$")
# Path words after which a permalink names the post (or video, photo) by number.
_POST_WORDS = ("posts", "videos", "photos", "permalink", "reel", "reels", "story", "groups")


@dataclass(frozen=True)
class Listing:
    posts: bool  # top-level items are posts (else comments)
    visitors: bool  # posts by visitors to the Page, not the Page's own
    object_id: str  # the node whose edge this is (a Page, a post, a comment), if known
    edge: str


def read(stream, *, site, listing_url: str = ""):
    """``listing_url``: the URL the page was fetched from (a connector's), which says what
    the listing is when the page's own paging URLs do not (a last or only page has none)."""
    shape = survey(stream, watch=POST_FIELDS)
    if not shape.has_data_array:
        raise CaptureError(
            "this is not a Graph API comments response (nor a posts listing): expected a top-level "
            f"object with a “data” list, found {shape.describe()}"
        )
    object_id, edge = shape.edge
    if not edge:
        object_id, edge = graph_edge(listing_url)
    posts = edge in POST_EDGES if edge else bool(shape.item_keys)
    listing = Listing(posts=posts, visitors=edge in VISITOR_EDGES, object_id=object_id, edge=edge)
    stream.seek(0)
    for index, obj, raw in json_array_items(stream, "data", what="a Graph API comments or posts response"):
        fields = Fields(obj, f"data[{index}]")
        if listing.posts:
            yield from _post(fields, raw, site=site, listing=listing)
        else:
            yield from _comment(fields, raw, site=site, listing=listing, parent=None)


# -- posts --------------------------------------------------------------------------------
def _post(fields: Fields, raw: str | None, *, site, listing: Listing):
    post_id = fields.identifier("id")
    author = _author(fields)
    page_id = post_id.split("_")[0] if "_" in post_id else listing.object_id
    if author is None:
        # /posts lists only the Page's own posts; the visitors' edges only others'.
        from_city = not listing.visitors
    else:
        from_city = not listing.visitors and (author.platform_user_id == page_id or _is_site(author, site))
    text = fields.body("message")
    if not fields.has("message"):
        # A post without words of its own (a shared photo, a profile change): Facebook shows
        # its generated "story" line ("… added 10 new photos") as the post's text.
        text = fields.body("story")
    item = _captured(
        fields,
        raw,
        platform_item_id=post_id,
        kind="city_post" if from_city else "comment",
        text=text,
        author=author,
        # A Graph post id opens the post on facebook.com when no permalink was requested.
        permalink=fields.url("permalink_url") or f"https://www.facebook.com/{post_id}",
        from_city=from_city,
    )
    yield item
    yield from _nested(
        fields, raw, site=site, listing=listing, parent=item, parent_is_post=True, page_id=page_id
    )


def _captured(fields: Fields, raw: str | None, **values) -> CapturedItem:
    """A post or comment, with what every Graph object gives alike: when it was posted, whether
    the Page hides it, and the payload as captured (``raw``, or the object written out)."""
    return CapturedItem(
        posted_at=fields.timestamp("created_time", formats=TIME_FORMATS),
        raw_payload=raw if raw is not None else dump_payload(fields.obj),
        platform_state="hidden" if fields.boolean("is_hidden") else "visible",
        location=fields.location,
        content=fields.obj,
        **values,
    )


# -- comments -----------------------------------------------------------------------------
def _comment(
    fields: Fields,
    raw: str | None,
    *,
    site,
    listing: Listing,
    parent: CapturedItem | None,
    parent_is_post: bool = False,
    page_id: str = "",
):
    """A comment or reply; ``parent`` is the post or comment it is nested in, if any."""
    link = Permalink.parse(fields.url("permalink_url"))
    author = _author(fields)
    item_id, derived_parent = _ids(
        fields, link, listing=listing, parent=parent, parent_is_post=parent_is_post
    )
    parent_ref = fields.child("parent")
    if parent_ref is not None:
        kind, parent_id = "reply", parent_ref.identifier("id")
    elif link.reply:
        kind, parent_id = "reply", derived_parent
    elif parent is not None:
        kind = "comment" if parent_is_post else "reply"
        parent_id = parent.platform_item_id
    elif _replies_listed(item_id, listing):
        # /{comment-id}/comments: the listing's object is a comment on the same post
        # ({post}_{comment}, as the items' ids are), so the items are its replies.
        kind, parent_id = "reply", listing.object_id
    elif not listing.edge and _is_own_post(fields, item_id, author, link, site):
        # A listing that does not say what it is, holding the Page's own post (its id is
        # {page}_{post} with the Page as author): an export of the Page's feed.
        kind, parent_id = "city_post", ""
    else:
        kind, parent_id = "comment", derived_parent
    # The Page, by number, as the listing's URL or the permalink name it (an old three-part
    # id's first part is not trusted for this: files exist where it is the commenter).
    page_id = page_id or link.page or _listing_page(listing)
    from_city = None  # decided by the writer from the author's name, unless the id says
    if kind == "city_post" or (author is not None and page_id and author.platform_user_id == page_id):
        from_city = True
    item = _captured(
        fields,
        raw,
        platform_item_id=item_id,
        kind=kind,
        text=fields.body("message"),
        author=author,
        parent_platform_item_id=parent_id,
        permalink=link.url,
        from_city=from_city,
    )
    yield item
    yield from _nested(
        fields,
        raw,
        site=site,
        listing=listing,
        parent=item,
        parent_is_post=kind == "city_post",
        page_id=page_id,
    )


def _nested(
    fields: Fields,
    raw: str | None,
    *,
    site,
    listing: Listing,
    parent: CapturedItem,
    parent_is_post: bool,
    page_id: str,
):
    for reply, reply_raw in nested_items(fields, raw, "comments", "data"):
        yield from _comment(
            reply,
            reply_raw,
            site=site,
            listing=listing,
            parent=parent,
            parent_is_post=parent_is_post,
            page_id=page_id,
        )


def _ids(
    fields: Fields, link: Permalink, *, listing: Listing, parent: CapturedItem | None, parent_is_post: bool
) -> tuple[str, str]:
    """The comment's Graph id, and its parent's as far as the id and permalink tell."""
    given = fields.identifier("id", required=False)
    if given:
        parts = given.split("_")
        if len(parts) == 3:
            # The old Page Post comment id, {page}_{post}_{comment}: the post is in it.
            return given, f"{parts[0]}_{parts[1]}"
        object_number = parts[0] if len(parts) == 2 else link.object_number
        if link.reply and link.comment and object_number:
            return given, f"{object_number}_{link.comment}"
        return given, _post_id(object_number, link, listing)
    if not link.comment:
        raise fields.error(
            "id",
            "required field is missing, and field “permalink_url” has no comment_id to build it from "
            "(capture with the fields id or permalink_url)",
        )
    object_number = link.object_number or _listing_number(listing) or _number_of(parent, parent_is_post)
    if not object_number:
        # Nothing names the post: the comment's own number is unique on Facebook, though
        # not the {object}_{comment} form a capture with "id" granted will have.
        return link.reply or link.comment, link.comment if link.reply else ""
    if link.reply:
        return f"{object_number}_{link.reply}", f"{object_number}_{link.comment}"
    return f"{object_number}_{link.comment}", _post_id(object_number, link, listing)


def _post_id(object_number: str, link: Permalink, listing: Listing) -> str:
    """The Graph id of the post numbered ``object_number``, when the file says whose it is."""
    if not object_number:
        return ""
    if listing.edge == "comments" and listing.object_id.split("_")[-1] == object_number:
        return listing.object_id  # the listing is of this post's comments
    if link.page and link.object_number == object_number:
        return f"{link.page}_{object_number}"
    return ""


def _replies_listed(item_id: str, listing: Listing) -> bool:
    if listing.edge != "comments" or listing.object_id.count("_") != 1 or item_id.count("_") != 1:
        return False
    return item_id != listing.object_id and item_id.split("_")[0] == listing.object_id.split("_")[0]


def _listing_page(listing: Listing) -> str:
    if listing.edge == "comments" and listing.object_id.count("_") == 1:
        return listing.object_id.split("_")[0]
    return ""


def _listing_number(listing: Listing) -> str:
    if listing.edge == "comments" and listing.object_id:
        return listing.object_id.split("_")[-1]
    return ""


def _number_of(parent: CapturedItem | None, parent_is_post: bool) -> str:
    """The post number an item nested in ``parent`` is on: a post's {page}_{N}, a comment's {N}_{C}."""
    if parent is None or parent.platform_item_id.count("_") != 1:
        return ""
    return parent.platform_item_id.split("_")[1 if parent_is_post else 0]


def _is_own_post(fields: Fields, item_id: str, author: Author | None, link: Permalink, site) -> bool:
    if author is None or link.comment or any(fields.has(key) for key in COMMENT_FIELDS):
        return False
    parts = item_id.split("_")
    if len(parts) == 2 and parts[0] == author.platform_user_id:
        return True
    return _is_site(author, site)


def _author(fields: Fields) -> Author | None:
    who = fields.child("from")
    if who is None:
        return None
    user_id = who.identifier("id")
    return Author(
        platform_user_id=user_id,
        display_name=who.text("name", required=False, max_length=500),
        profile_url=f"https://www.facebook.com/{user_id}",
    )


def _is_site(author: Author, site) -> bool:
    names = {site.handle.lower(), site.account_name.lower()}
    return author.platform_user_id.lower() in names or author.display_name.lower() in names


@dataclass(frozen=True)
class Permalink:
    url: str
    page: str = ""  # the Page (or group) by number, if the URL names it so
    object_number: str = ""  # the post, video or photo the comment is on
    comment: str = ""  # comment_id
    reply: str = ""  # reply_comment_id

    @classmethod
    def parse(cls, url: str) -> Permalink:
        if not url:
            return cls(url="")
        try:
            parts = urlsplit(url)
        except ValueError:
            return cls(url=url)
        query = parse_qs(parts.query)

        def number(name: str) -> str:
            value = (query.get(name) or [""])[0].split("_")[-1]
            return value if _NUMBER.match(value) else ""

        segments = [segment for segment in parts.path.split("/") if segment]
        object_number = number("story_fbid") or number("fbid") or number("v")
        page = number("id")
        if segments and segments[0] == "groups" and len(segments) > 1:
            page = page or (segments[1] if _NUMBER.match(segments[1]) else "")
            after = segments[2:]
        else:
            if segments and _NUMBER.match(segments[0]):
                page = page or segments[0]
            words = [i for i, segment in enumerate(segments) if segment in _POST_WORDS]
            after = segments[words[0] + 1 :] if words else []
        if not object_number:
            numbers = [segment for segment in after if _NUMBER.match(segment)]
            object_number = numbers[-1] if numbers else ""
        return cls(
            url=url,
            page=page,
            object_number=object_number,
            comment=number("comment_id"),
            reply=number("reply_comment_id"),
        )

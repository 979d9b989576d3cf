"""Facebook Page comments from the Meta Graph API.

``GET /{post-id}/comments?fields=id,message,from{id,name},created_time,parent{id},
is_hidden,permalink_url,comments{id,message,from,created_time,parent,is_hidden,permalink_url}``
answers ``{"data": [...], "paging": {...}}``; replies are nested under ``comments.data``
(or given flat with ``parent.id``). A ``/{page-id}/feed`` export with the Page's posts at
the top level works too: an item written by the Page itself with no parent is a City post.
Each item's payload is its exact text in the file (a comment's includes its nested replies,
as Facebook sent them; each reply also has its own).
"""

from __future__ import annotations

from moderation.importers.base import Author, CapturedItem, Fields, dump_payload
from moderation.importers.raw import ANY, raw_objects
from moderation.importers.stream import json_array_items

PLATFORM = "facebook"
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S%z",)


def read(stream, *, site):
    for index, obj, raw in json_array_items(stream, "data", what="a Graph API comments response"):
        yield from _item(Fields(obj, f"data[{index}]"), raw, site=site, parent=None)


def _item(fields: Fields, raw: str, *, site, parent: CapturedItem | None):
    item_id = fields.identifier("id")
    author = None
    who = fields.child("from")
    if who is not None:
        user_id = who.identifier("id")
        author = Author(
            platform_user_id=user_id,
            display_name=who.text("name", required=False, max_length=500),
            profile_url=f"https://www.facebook.com/{user_id}",
        )
    parent_ref = fields.child("parent")
    parent_id = (
        parent_ref.identifier("id") if parent_ref is not None else (parent.platform_item_id if parent else "")
    )
    is_city = author is not None and _is_site(author, site)
    if parent is None and not parent_id:
        kind = "city_post" if is_city else "comment"
    elif parent is not None and parent.kind == "city_post" and parent_id == parent.platform_item_id:
        kind = "comment"
    else:
        kind = "reply"
    item = CapturedItem(
        platform_item_id=item_id,
        kind=kind,
        text=fields.text("message", required=False),
        posted_at=fields.timestamp("created_time", formats=TIME_FORMATS),
        raw_payload=raw if raw is not None else dump_payload(fields.obj),
        author=author,
        parent_platform_item_id=parent_id,
        permalink=fields.url("permalink_url"),
        platform_state="hidden" if fields.boolean("is_hidden") else "visible",
        location=fields.location,
    )
    yield item
    replies = fields.child("comments")
    if replies is not None:
        reply_objects = replies.array("data")
        reply_texts = raw_objects(raw, ("comments", "data", ANY))
        for index, reply in enumerate(reply_objects):
            reply_raw = reply_texts[index] if len(reply_texts) == len(reply_objects) else None
            yield from _item(
                Fields(reply, f"{replies.location}.data[{index}]"), reply_raw, site=site, parent=item
            )


def _is_site(author: Author, site) -> bool:
    names = {site.handle.lower(), site.account_name.lower()}
    return author.platform_user_id.lower() in names or author.display_name.lower() in names

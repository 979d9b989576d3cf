"""Instagram comments from the Instagram Graph API.

``GET /{ig-media-id}/comments?fields=id,text,username,timestamp,hidden,from{id,username},
replies{id,text,username,timestamp,hidden,from}`` answers ``{"data": [...], "paging": {...}}``
with replies nested under ``replies.data``. Payloads are the exact text in the file.
"""

from __future__ import annotations

from moderation.importers.base import Author, CapturedItem, Fields, dump_payload
from moderation.importers.raw import ANY, raw_objects
from moderation.importers.stream import json_array_items

PLATFORM = "instagram"
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S%z",)


def read(stream, *, site):
    for index, obj, raw in json_array_items(stream, "data", what="an Instagram Graph API comments response"):
        yield from _item(Fields(obj, f"data[{index}]"), raw, site=site, parent_id="")


def _item(fields: Fields, raw: str, *, site, parent_id: str):
    item_id = fields.identifier("id")
    username = fields.text("username", max_length=500)
    who = fields.child("from")
    user_id = who.identifier("id") if who is not None else username
    author = Author(
        platform_user_id=user_id,
        display_name=username,
        profile_url=f"https://www.instagram.com/{username}/",
        handle=username,
    )
    yield CapturedItem(
        platform_item_id=item_id,
        kind="reply" if parent_id else "comment",
        text=fields.text("text", required=False),
        posted_at=fields.timestamp("timestamp", formats=TIME_FORMATS),
        raw_payload=raw if raw is not None else dump_payload(fields.obj),
        author=author,
        parent_platform_item_id=parent_id,
        platform_state="hidden" if fields.boolean("hidden") else "visible",
        location=fields.location,
    )
    replies = fields.child("replies")
    if replies is not None:
        reply_objects = replies.array("data")
        reply_texts = raw_objects(raw, ("replies", "data", ANY))
        for index, reply in enumerate(reply_objects):
            reply_raw = reply_texts[index] if len(reply_texts) == len(reply_objects) else None
            yield from _item(
                Fields(reply, f"{replies.location}.data[{index}]"), reply_raw, site=site, parent_id=item_id
            )

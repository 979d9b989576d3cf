"""YouTube Data API ``commentThreads.list`` responses.

``{"kind": "youtube#commentThreadListResponse", "items": [{"id": …, "snippet":
{"videoId": …, "topLevelComment": {"id": …, "snippet": {"textOriginal", "authorDisplayName",
"authorChannelId": {"value"}, "authorChannelUrl", "publishedAt", "updatedAt", "videoId",
"moderationStatus"?}}}, "replies": {"comments": [comment resources with "parentId"]}}]}``.
Each comment resource is stored as its payload. A comment YouTube holds for review or
rejected (``moderationStatus``) is marked hidden.
"""

from __future__ import annotations

from moderation.importers.base import Author, CapturedItem, Fields, dump_payload
from moderation.importers.raw import ANY, raw_objects
from moderation.importers.stream import json_array_items

PLATFORM = "youtube"
HIDDEN_STATUSES = {"heldForReview", "likelySpam", "rejected"}


def read(stream, *, site):
    for index, obj, raw in json_array_items(stream, "items", what="a YouTube commentThreads response"):
        thread = Fields(obj, f"items[{index}]")
        snippet = thread.child("snippet", required=True)
        video_id = snippet.identifier("videoId", required=False)
        top = snippet.child("topLevelComment", required=True)
        top_raw = raw_objects(raw, ("snippet", "topLevelComment"))
        top_item = _comment(
            top, top_raw[0] if len(top_raw) == 1 else None, site=site, video_id=video_id, parent_id=""
        )
        yield top_item
        replies = thread.child("replies")
        if replies is not None:
            reply_objects = replies.array("comments")
            reply_texts = raw_objects(raw, ("replies", "comments", ANY))
            for reply_index, reply in enumerate(reply_objects):
                yield _comment(
                    Fields(reply, f"{replies.location}.comments[{reply_index}]"),
                    reply_texts[reply_index] if len(reply_texts) == len(reply_objects) else None,
                    site=site,
                    video_id=video_id,
                    parent_id=top_item.platform_item_id,
                )


def _comment(resource: Fields, raw: str | None, *, site, video_id: str, parent_id: str) -> CapturedItem:
    comment_id = resource.identifier("id")
    snippet = resource.child("snippet", required=True)
    channel = snippet.child("authorChannelId")
    channel_id = channel.identifier("value") if channel is not None else ""
    display_name = snippet.text("authorDisplayName", max_length=500)
    author = Author(
        platform_user_id=channel_id or display_name,
        display_name=display_name,
        profile_url=snippet.url("authorChannelUrl"),
        handle=display_name.lstrip("@"),
    )
    parent_id = snippet.identifier("parentId", required=False) or parent_id
    video_id = snippet.identifier("videoId", required=False) or video_id
    status = snippet.text("moderationStatus", required=False)
    is_city = display_name.lstrip("@").lower() == site.handle.lstrip("@").lower()
    return CapturedItem(
        platform_item_id=comment_id,
        kind="reply" if parent_id else "comment",
        text=snippet.text("textOriginal"),
        posted_at=snippet.timestamp("publishedAt"),
        raw_payload=raw if raw is not None else dump_payload(resource.obj),
        author=author,
        from_city=is_city,
        parent_platform_item_id=parent_id,
        permalink=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}" if video_id else "",
        platform_state="hidden" if status in HIDDEN_STATUSES else "visible",
        location=resource.location,
    )

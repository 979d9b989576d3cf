"""YouTube Data API comment listings: ``commentThreads.list`` and ``comments.list``.

``commentThreads.list`` answers ``{"kind": "youtube#commentThreadListResponse", "items":
[{"kind": "youtube#commentThread", "id": …, "snippet": {"channelId", "videoId"?,
"topLevelComment": {comment resource}}, "replies": {"comments": [comment resources]}}]}``.
A thread carries only a few of its replies; the rest come from ``comments.list?parentId=``,
``{"kind": "youtube#commentListResponse", "items": [comment resources]}``, each with
``snippet.parentId``. Both are this format; an item is read as a thread or a comment by
its ``kind`` (or, without one, by whether it has ``snippet.topLevelComment``).

A comment resource: ``{"kind": "youtube#comment", "id", "snippet": {"textOriginal",
"textDisplay", "authorDisplayName", "authorChannelId": {"value"}, "authorChannelUrl",
"channelId", "videoId"?, "parentId"?, "moderationStatus"?, "publishedAt", "updatedAt"}}``.
Each comment resource is stored as its payload.

- The text is ``textOriginal``, the words as written. YouTube returns it only where the
  requester may see it; without it, ``textDisplay`` is used, which is HTML unless the
  request asked for ``textFormat=plainText``: its markup is turned into plain text (line
  breaks kept, tags dropped, entities decoded) and the payload keeps the HTML.
- A comment YouTube holds for review or rejected (``moderationStatus``) is hidden.
- The permalink: a video's comment is ``watch?v={videoId}&lc={id}``; a community post's
  ``/post/{postId}?lc={id}``. A thread with neither is on the channel itself (the
  channel's former Discussion tab; ``snippet.channelId`` names the channel):
  ``/channel/{channelId}/discussion?lc={id}``, the address YouTube gave such comments. A
  reply from ``comments.list`` names neither video nor post nor whether it is on the
  channel (its ``channelId`` is also the video's channel), so it gets no permalink.
"""

from __future__ import annotations

import html
import re

from moderation.capture.importers.base import Author, CapturedItem, Fields, dump_payload
from moderation.capture.importers.raw import raw_objects
from moderation.capture.importers.stream import json_array_items, nested_items

PLATFORM = "youtube"
HIDDEN_STATUSES = {"heldForReview", "likelySpam", "rejected"}
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")


def read(stream, *, site):
    for index, obj, raw in json_array_items(
        stream, "items", what="a YouTube commentThreads or comments response"
    ):
        item = Fields(obj, f"items[{index}]")
        snippet = item.child("snippet", required=True)
        kind = item.text("kind", required=False)
        if kind == "youtube#commentThread" or (not kind and snippet.has("topLevelComment")):
            yield from _thread(item, snippet, raw, site=site)
        elif kind in ("youtube#comment", ""):
            yield _comment(item, raw, site=site, place=Place(), parent_id="")
        else:
            raise item.error(
                "kind", f"“{kind[:60]}” is neither a youtube#commentThread nor a youtube#comment"
            )


class Place:
    """Where a comment is: a video, a community post, or the channel itself."""

    def __init__(self, video_id: str = "", post_id: str = "", channel_id: str = ""):
        self.video_id = video_id
        self.post_id = post_id
        self.channel_id = channel_id  # set only when known to be on the channel itself

    def permalink(self, comment_id: str) -> str:
        if self.video_id:
            return f"https://www.youtube.com/watch?v={self.video_id}&lc={comment_id}"
        if self.post_id:
            return f"https://www.youtube.com/post/{self.post_id}?lc={comment_id}"
        if self.channel_id:
            return f"https://www.youtube.com/channel/{self.channel_id}/discussion?lc={comment_id}"
        return ""


def _thread(thread: Fields, snippet: Fields, raw: str | None, *, site):
    top = snippet.child("topLevelComment", required=True)
    top_snippet = top.child("snippet", required=True)
    video_id = snippet.identifier("videoId", required=False) or top_snippet.identifier(
        "videoId", required=False
    )
    post_id = snippet.identifier("postId", required=False) or top_snippet.identifier("postId", required=False)
    channel_id = ""
    if not video_id and not post_id:
        # No video and no post: the thread is on the channel (documented for videoId:
        # "No video_id implies a channel discussion comment").
        channel_id = snippet.identifier("channelId", required=False) or top_snippet.identifier(
            "channelId", required=False
        )
    place = Place(video_id, post_id, channel_id)
    top_raw = raw_objects(raw, ("snippet", "topLevelComment")) if raw is not None else []
    top_item = _comment(top, top_raw[0] if len(top_raw) == 1 else None, site=site, place=place, parent_id="")
    yield top_item
    for reply, reply_raw in nested_items(thread, raw, "replies", "comments"):
        yield _comment(reply, reply_raw, site=site, place=place, parent_id=top_item.platform_item_id)


def _comment(resource: Fields, raw: str | None, *, site, place: Place, parent_id: str) -> CapturedItem:
    comment_id = resource.identifier("id")
    snippet = resource.child("snippet", required=True)
    author = _author(snippet)
    parent_id = snippet.identifier("parentId", required=False) or parent_id
    video_id = snippet.identifier("videoId", required=False)
    post_id = snippet.identifier("postId", required=False)
    if video_id or post_id:
        place = Place(video_id, post_id)
    status = snippet.text("moderationStatus", required=False)
    return CapturedItem(
        platform_item_id=comment_id,
        kind="reply" if parent_id else "comment",
        text=_text(snippet),
        posted_at=snippet.timestamp("publishedAt"),
        raw_payload=raw if raw is not None else dump_payload(resource.obj),
        author=author,
        from_city=_is_city(author, snippet, site),
        parent_platform_item_id=parent_id,
        permalink=place.permalink(comment_id),
        platform_state="hidden" if status in HIDDEN_STATUSES else "visible",
        location=resource.location,
        content=resource.obj,
    )


def _author(snippet: Fields) -> Author | None:
    channel = snippet.child("authorChannelId")
    channel_id = channel.identifier("value", required=False) if channel is not None else ""
    display_name = snippet.text("authorDisplayName", required=False, max_length=500)
    if not channel_id and not display_name:
        return None
    return Author(
        # The channel id is stable; the display name (an @handle since 2022) can change.
        platform_user_id=channel_id or display_name,
        display_name=display_name,
        profile_url=snippet.url("authorChannelUrl"),
        handle=display_name.lstrip("@"),
    )


def _is_city(author: Author | None, snippet: Fields, site) -> bool:
    if author is None:
        return False
    if author.handle and author.handle.lower() == site.handle.lstrip("@").lower():
        return True
    # snippet.channelId is the channel the comment is on (or whose video or post it is on):
    # on a City site that is the City's channel, so its owner writing is the City.
    channel_id = snippet.identifier("channelId", required=False)
    return bool(channel_id) and author.platform_user_id == channel_id


def _text(snippet: Fields) -> str:
    if snippet.has("textOriginal"):
        return snippet.body("textOriginal")
    return _plain(snippet.body("textDisplay"))


def _plain(display: str) -> str:
    """``textDisplay`` (HTML by default) as the text a reader sees."""
    if "<" not in display and "&" not in display:
        return display
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", display)))

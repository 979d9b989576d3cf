"""The Instagram Graph API for a professional account: ``/{ig-user-id}/media``,
``/{ig-media-id}/comments`` (top-level comments, each with the first few of its replies
nested under ``replies`` and a ``next`` there when it has more) and
``/{ig-comment-id}/replies``, in their real shapes: only the fields asked for, times as
``2026-06-01T10:00:00+0000``, Graph paging with the token in the paging URLs, and Graph
error bodies (the Facebook fake's helpers: it is the same Graph API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tests.fakeplatform import Request, Response
from tests.fakeplatform.facebook import GraphApp, graph_time, only, requested_fields


@dataclass
class IgComment:
    id: str
    text: str
    created: datetime
    username: str = "river_walker"
    user_id: str = "6100000000000001"  # the commenter's Instagram-scoped id (``from.id``)
    hidden: bool = False
    like_count: int = 0
    parent_id: str = ""  # for a reply: its comment's id
    replies: list = field(default_factory=list)  # of IgComment, oldest first

    def node(self) -> dict:
        obj = {
            "id": self.id,
            "text": self.text,
            "timestamp": graph_time(self.created),
            "username": self.username,
            "from": {"id": self.user_id, "username": self.username},
            "hidden": self.hidden,
            "like_count": self.like_count,
        }
        if self.parent_id:
            obj["parent_id"] = self.parent_id
        return obj


@dataclass
class IgMedia:
    id: str
    caption: str
    created: datetime
    shortcode: str
    media_type: str = "IMAGE"
    comments: list = field(default_factory=list)  # of IgComment (top-level), newest first


class InstagramFake(GraphApp):
    prefix = "instagram"

    def __init__(
        self,
        user_id: str = "17841400000000999",
        *,
        username: str = "kankakeeparks",
        page_size: int = 25,
        replies_shown: int = 25,
    ):
        self.user_id = user_id
        self.username = username
        self.page_size = page_size
        self.replies_shown = replies_shown  # replies nested in a comment before its "next"
        self.media: list[IgMedia] = []  # newest first, as /media lists them
        self._numbers = 17900000000001000

    # -- state -------------------------------------------------------------------------------
    def number(self) -> str:
        self._numbers += 1
        return str(self._numbers)

    def add_media(self, caption: str, created: datetime) -> IgMedia:
        number = self.number()
        media = IgMedia(id=number, caption=caption, created=created, shortcode=f"C{number[-8:]}xYz")
        self.media.append(media)
        self.media.sort(key=lambda m: m.created, reverse=True)
        return media

    def add_comment(self, media: IgMedia, text: str, created: datetime, **kw) -> IgComment:
        comment = IgComment(id=self.number(), text=text, created=created, **kw)
        media.comments.append(comment)
        media.comments.sort(key=lambda c: c.created, reverse=True)
        return comment

    def add_reply(
        self, comment: IgComment, text: str, created: datetime, *, city: bool = False, **kw
    ) -> IgComment:
        if city:
            kw.update(username=self.username, user_id=self.user_id)
        reply = IgComment(id=self.number(), text=text, created=created, parent_id=comment.id, **kw)
        comment.replies.append(reply)
        comment.replies.sort(key=lambda r: r.created)
        return reply

    def find(self, item_id: str):
        for media in self.media:
            if media.id == item_id:
                return media
            for comment in media.comments:
                if comment.id == item_id:
                    return comment
                for reply in comment.replies:
                    if reply.id == item_id:
                        return reply
        return None

    def delete(self, item_id: str) -> None:
        self.media = [m for m in self.media if m.id != item_id]
        for media in self.media:
            media.comments = [c for c in media.comments if c.id != item_id]
            for comment in media.comments:
                comment.replies = [r for r in comment.replies if r.id != item_id]

    # -- API -------------------------------------------------------------------------------
    def route(self, request: Request, parts: list[str]) -> Response | None:
        if len(parts) != 2:
            return None
        object_id, edge = parts
        found = self.find(object_id)
        if edge == "media":
            return self._media(request) if object_id == self.user_id else self.missing(object_id)
        if edge == "comments" and isinstance(found, IgMedia):
            return self._comments(request, found)
        if edge == "replies" and isinstance(found, IgComment) and not found.parent_id:
            fields = requested_fields(request)
            return self.page(request, [only(reply.node(), fields) for reply in found.replies])
        return self.missing(object_id)

    def _media(self, request: Request) -> Response:
        since = int(request.query.get("since") or 0)
        fields = requested_fields(request)
        items = []
        for media in self.media:
            if media.created.timestamp() < since:
                continue
            obj = {"id": media.id}
            if media.caption:
                obj["caption"] = media.caption
            obj.update(
                {
                    "timestamp": graph_time(media.created),
                    "permalink": f"https://www.instagram.com/p/{media.shortcode}/",
                    "username": self.username,
                    "media_type": media.media_type,
                    "comments_count": sum(1 + len(c.replies) for c in media.comments),
                    "owner": {"id": self.user_id},
                }
            )
            items.append(only(obj, fields))
        return self.page(request, items)

    def _comments(self, request: Request, media: IgMedia) -> Response:
        fields = requested_fields(request)
        items = []
        for comment in media.comments:
            obj = comment.node()
            if comment.replies:
                obj["replies"] = self.nested(
                    [reply.node() for reply in comment.replies],
                    self.replies_shown,
                    self.edge_url(request, comment.id, "replies"),
                )
            items.append(only(obj, fields))
        return self.page(request, items)

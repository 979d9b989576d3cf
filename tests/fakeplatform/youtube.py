"""YouTube Data API v3: ``commentThreads.list`` and ``comments.list``, in their real shapes
(kinds, etags, ``pageInfo``, ``nextPageToken``, HTML ``textDisplay``, a thread with only some
of its replies), and Google's error bodies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.fakeplatform import FakeApp, Request, Response, page_offset, page_token

REPLIES_IN_THREAD = 5  # a thread carries at most this many replies; comments.list has them all


def google_error(status: int, reason: str, message: str) -> dict:
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.quota", "reason": reason}],
        }
    }


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class YtComment:
    id: str
    text: str
    published: datetime
    author_id: str = "UCresident000000000000001"
    author_name: str = "@resident"
    video_id: str = "vid00000001"
    parent_id: str = ""
    updated: datetime | None = None
    replies: list = field(default_factory=list)  # of YtComment, for a top-level comment
    # "published", or held by the channel: "heldForReview", "likelySpam" (listed only when asked
    # for by moderationStatus, and then with it in the snippet)
    status: str = "published"

    def resource(self, channel_id: str) -> dict:
        snippet = {
            "channelId": channel_id,
            "videoId": self.video_id,
            "textDisplay": self.text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>"),
            "textOriginal": self.text,
            "authorDisplayName": self.author_name,
            "authorProfileImageUrl": "https://yt3.ggpht.com/a/default-user=s48-c-k-c0xffffffff-no-rj-mo",
            "authorChannelUrl": f"http://www.youtube.com/channel/{self.author_id}",
            "authorChannelId": {"value": self.author_id},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "publishedAt": iso(self.published),
            "updatedAt": iso(self.updated or self.published),
        }
        if self.parent_id:
            snippet["parentId"] = self.parent_id
        if self.status != "published":
            snippet["moderationStatus"] = self.status
        return {"kind": "youtube#comment", "etag": f"etag-{self.id}", "id": self.id, "snippet": snippet}


class YouTubeFake(FakeApp):
    def __init__(self, channel_id: str = "UCkankakeecity0000000001", *, page_size: int = 100):
        self.channel_id = channel_id
        self.page_size = page_size
        self.threads: list[YtComment] = []  # newest first, as order=time lists them

    # -- state -------------------------------------------------------------------------------
    def add_thread(self, comment: YtComment) -> YtComment:
        self.threads.append(comment)
        self.threads.sort(key=lambda c: c.published, reverse=True)
        return comment

    def find(self, comment_id: str) -> YtComment | None:
        for thread in self.threads:
            if thread.id == comment_id:
                return thread
            for reply in thread.replies:
                if reply.id == comment_id:
                    return reply
        return None

    def delete(self, comment_id: str) -> None:
        self.threads = [t for t in self.threads if t.id != comment_id]
        for thread in self.threads:
            thread.replies = [r for r in thread.replies if r.id != comment_id]

    # -- API -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response | None:
        if request.token != self.token:
            return Response(
                401, google_error(401, "authError", "Request had invalid authentication credentials.")
            )
        if request.path == "/commentThreads":
            return self._threads(request)
        if request.path == "/comments":
            return self._replies(request)
        return None

    def _page(self, kind: str, items: list, request: Request, size: int) -> Response:
        size = min(int(request.query.get("maxResults") or 20), size)
        offset = page_offset(request.query.get("pageToken"))
        chunk = items[offset : offset + size]
        body = {"kind": kind, "etag": f"etag-{offset}"}
        if offset + size < len(items):
            body["nextPageToken"] = page_token(offset + size)
        body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": size}
        body["items"] = chunk
        return Response(200, body)

    def _threads(self, request: Request) -> Response:
        if request.query.get("allThreadsRelatedToChannelId") != self.channel_id:
            return Response(404, google_error(404, "channelNotFound", "The channel could not be found."))
        items = []
        wanted = request.query.get("moderationStatus") or "published"
        for thread in self.threads:
            if thread.status != wanted:
                continue
            snippet = {
                "channelId": self.channel_id,
                "videoId": thread.video_id,
                "topLevelComment": thread.resource(self.channel_id),
                "canReply": True,
                "totalReplyCount": len(thread.replies),
                "isPublic": True,
            }
            item = {
                "kind": "youtube#commentThread",
                "etag": f"etag-t-{thread.id}",
                "id": thread.id,
                "snippet": snippet,
            }
            if thread.replies:
                shown = thread.replies[:REPLIES_IN_THREAD]
                item["replies"] = {"comments": [r.resource(self.channel_id) for r in shown]}
            items.append(item)
        return self._page("youtube#commentThreadListResponse", items, request, self.page_size)

    def _replies(self, request: Request) -> Response:
        thread = self.find(request.query.get("parentId", ""))
        replies = [r.resource(self.channel_id) for r in thread.replies] if thread is not None else []
        return self._page("youtube#commentListResponse", replies, request, self.page_size)

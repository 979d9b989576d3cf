"""The Meta Graph API for a Facebook Page: ``/{page-id}/posts``, ``/{post-id}/comments``
(``filter=stream`` lists replies flat with ``parent``; without it, top-level comments only)
and ``/{page-id}/blocked``, in their real shapes: only the fields asked for, times as
``2026-06-01T10:00:00+0000``, ``{"data": [...], "paging": {"cursors": {"before", "after"},
"next", "previous"}}`` with the token in the paging URLs as Facebook writes them, no
``paging`` at all on an empty page, and Graph error bodies (``OAuthException`` code 190 for
an expired token, code 100 for an object that does not exist).

The paging helpers and error bodies are the Instagram fake's too (the same Graph API).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from tests.fakeplatform import FakeApp, Request, Response, page_offset, page_token

VERSION = "v23.0"


def graph_error(code: int, message: str, *, type: str = "OAuthException", subcode: int | None = None) -> dict:  # noqa: A002 - the Graph API's own key
    error = {"message": message, "type": type, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "AbCdEfGhIjKlMnOpQrStUv1"
    return {"error": error}


def token_expired() -> Response:
    """What the Graph API answers a token that has expired (code 190, subcode 463)."""
    return Response(
        400,
        graph_error(
            190,
            "Error validating access token: Session has expired on Monday, 01-Jun-26 10:00:00 PDT. "
            "The current time is Monday, 01-Jun-26 11:00:00 PDT.",
            subcode=463,
        ),
    )


def throttled(code: int = 4, status: int = 400, *, regain_minutes: int | None = None) -> Response:
    """Graph API throttling: 4 (application), 17 (user), 32 (Page), 613 (custom rate); with
    ``regain_minutes``, the ``X-Business-Use-Case-Usage`` header that says when it ends."""
    messages = {
        4: "Application request limit reached",
        17: "User request limit reached",
        32: "Page request limit reached",
        613: "Calls to this api have exceeded the rate limit.",
    }
    headers = {}
    if regain_minutes is not None:
        usage = {
            "104729384756123": [
                {
                    "type": "pages",
                    "call_count": 100,
                    "total_cputime": 25,
                    "total_time": 25,
                    "estimated_time_to_regain_access": regain_minutes,
                }
            ]
        }
        headers["X-Business-Use-Case-Usage"] = json.dumps(usage)
    return Response(status, graph_error(code, messages.get(code, "Rate limited"), subcode=2446079), headers)


def graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def requested_fields(request: Request) -> set[str] | None:
    """The top-level names of ``fields=id,from{id,name},replies{id,text}``; None: all."""
    value = request.query.get("fields")
    if not value:
        return None
    names, depth, current = set(), 0, ""
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            names.add(current.strip())
            current = ""
            continue
        if depth == 0 and char not in "{}":
            current += char
    names.add(current.strip())
    return {name for name in names if name}


def only(obj: dict, fields: set[str] | None) -> dict:
    return obj if fields is None else {key: value for key, value in obj.items() if key in fields}


def split_path(path: str) -> list[str]:
    """The Graph path's nodes, without the API version."""
    parts = [part for part in path.split("/") if part]
    if parts and parts[0].startswith("v") and parts[0][1:].replace(".", "").isdigit():
        parts = parts[1:]
    return parts


class GraphApp(FakeApp):
    """What Facebook and Instagram's fakes share: the token check and cursor paging."""

    prefix = ""  # the path it is mounted under (to write paging URLs that point back at it)
    token = "EAAKankakee0TestPage0Token0ZCZBx7dQ9"  # Graph tokens are long; paging URLs repeat them
    page_size = 25

    def handle(self, request: Request) -> Response | None:
        if not request.token:
            return Response(
                400,
                graph_error(2500, "An active access token must be used to query information."),
            )
        if request.token != self.token:
            return Response(
                400,
                graph_error(190, "Invalid OAuth access token - Cannot parse access token"),
            )
        return self.route(request, split_path(request.path))

    def route(self, request: Request, parts: list[str]) -> Response | None:
        raise NotImplementedError

    def missing(self, object_id: str) -> Response:
        return Response(
            400,
            graph_error(
                100,
                f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation.",
                type="GraphMethodException",
                subcode=33,
            ),
        )

    def page(self, request: Request, items: list[dict], *, size: int | None = None) -> Response:
        """One page of ``items`` at the request's ``after`` cursor, Graph style."""
        size = min(int(request.query.get("limit") or 25), size or self.page_size)
        offset = page_offset(request.query.get("after"))
        chunk = items[offset : offset + size]
        body: dict = {"data": chunk}
        if chunk:
            paging: dict = {
                "cursors": {"before": page_token(offset), "after": page_token(offset + len(chunk))}
            }
            if offset + size < len(items):
                paging["next"] = self.paging_url(request, after=page_token(offset + len(chunk)))
            if offset:
                paging["previous"] = self.paging_url(request, before=page_token(offset))
            body["paging"] = paging
        return Response(200, body)

    def nested(self, items: list[dict], size: int, edge_url: str) -> dict:
        """A nested edge (``replies{…}`` in ``fields``): its first ``size`` items, and ``next``
        when there are more."""
        chunk = items[:size]
        paging: dict = {"cursors": {"before": page_token(0), "after": page_token(len(chunk))}}
        if len(items) > size:
            query = {"access_token": self.token, "limit": size, "after": page_token(len(chunk))}
            paging["next"] = f"{edge_url}?{urlencode(query)}"
        return {"data": chunk, "paging": paging}

    def paging_url(self, request: Request, **cursor) -> str:
        query = {
            "access_token": self.token,
            **{k: v for k, v in request.query.items() if k not in ("after", "before")},
        }
        query.update(cursor)
        host = request.headers.get("host", "graph.facebook.com")
        return f"http://{host}/{self.prefix}{request.path}?{urlencode(query)}"

    def edge_url(self, request: Request, object_id: str, edge: str) -> str:
        host = request.headers.get("host", "graph.facebook.com")
        return f"http://{host}/{self.prefix}/{VERSION}/{object_id}/{edge}"


@dataclass
class FbComment:
    id: str  # {post number}_{comment number}, as the Graph API writes it
    message: str
    created: datetime
    author_id: str = "5550000000000001"
    author_name: str = "Pat Resident"
    parent_id: str = ""  # for a reply: the comment's id
    is_hidden: bool = False

    def node(self, page_id: str) -> dict:
        post_number, number = self.id.split("_")
        link = f"https://www.facebook.com/{page_id}/posts/{post_number}/?comment_id="
        if self.parent_id:
            link += f"{self.parent_id.split('_')[1]}&reply_comment_id={number}"
        else:
            link += number
        obj = {
            "id": self.id,
            "message": self.message,
            "from": {"id": self.author_id, "name": self.author_name},
            "created_time": graph_time(self.created),
        }
        if self.parent_id:
            obj["parent"] = {"id": self.parent_id}
        obj["is_hidden"] = self.is_hidden
        obj["permalink_url"] = link
        return obj


@dataclass
class FbPost:
    id: str  # {page id}_{post number}
    message: str
    created: datetime
    updated: datetime | None = None
    comments: list = field(default_factory=list)  # of FbComment, top-level and replies, oldest first

    @property
    def number(self) -> str:
        return self.id.split("_")[1]


class FacebookFake(GraphApp):
    prefix = "facebook"

    def __init__(
        self, page_id: str = "104729384756123", *, page_name: str = "City of Kankakee", page_size=25
    ):
        self.page_id = page_id
        self.page_name = page_name
        self.page_size = page_size
        self.posts: list[FbPost] = []  # newest first, as /posts lists them
        self.blocked: list[tuple[str, str]] = []  # (id, name)
        self._numbers = 871234500010000

    # -- state -------------------------------------------------------------------------------
    def number(self) -> str:
        self._numbers += 1
        return str(self._numbers)

    def add_post(self, message: str, created: datetime) -> FbPost:
        post = FbPost(id=f"{self.page_id}_{self.number()}", message=message, created=created)
        self.posts.append(post)
        self.posts.sort(key=lambda p: p.created, reverse=True)
        return post

    def add_comment(
        self, post: FbPost, message: str, created: datetime, *, reply_to: str = "", **kw
    ) -> FbComment:
        comment = FbComment(
            id=f"{post.number}_{self.number()}", message=message, created=created, parent_id=reply_to, **kw
        )
        post.comments.append(comment)
        post.comments.sort(key=lambda c: c.created)
        return comment

    def find(self, item_id: str) -> FbComment | FbPost | None:
        for post in self.posts:
            if post.id == item_id:
                return post
            for comment in post.comments:
                if comment.id == item_id:
                    return comment
        return None

    def delete(self, item_id: str) -> None:
        """Deleted on Facebook: a post goes with its comments, a comment with its replies."""
        self.posts = [p for p in self.posts if p.id != item_id]
        for post in self.posts:
            post.comments = [c for c in post.comments if item_id not in (c.id, c.parent_id)]

    # -- API -------------------------------------------------------------------------------
    def route(self, request: Request, parts: list[str]) -> Response | None:
        if len(parts) != 2:
            return None
        object_id, edge = parts
        if edge == "posts":
            return self._posts(request) if object_id == self.page_id else self.missing(object_id)
        if edge == "blocked":
            if object_id != self.page_id:
                return self.missing(object_id)
            return self.page(request, [{"id": uid, "name": name} for uid, name in self.blocked])
        if edge == "comments":
            post = self.find(object_id)
            if not isinstance(post, FbPost):
                return self.missing(object_id)
            return self._comments(request, post)
        return None

    def _posts(self, request: Request) -> Response:
        since = int(request.query.get("since") or 0)
        fields = requested_fields(request)
        items = []
        for post in self.posts:
            if post.created.timestamp() < since:
                continue
            obj = {
                "id": post.id,
                "message": post.message,
                "created_time": graph_time(post.created),
                "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{post.number}",
                "from": {"id": self.page_id, "name": self.page_name},
                "updated_time": graph_time(post.updated or post.created),
            }
            items.append(only(obj, fields))
        return self.page(request, items)

    def _comments(self, request: Request, post: FbPost) -> Response:
        stream = request.query.get("filter") == "stream"
        fields = requested_fields(request)
        items = [
            only(comment.node(self.page_id), fields)
            for comment in post.comments
            if stream or not comment.parent_id
        ]
        return self.page(request, items)

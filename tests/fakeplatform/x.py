"""X API v2: a user's posts (``/2/users/:id/tweets``), recent search by conversation
(``/2/tweets/search/recent``) and the block list (``/2/users/:id/blocking``), in their real
shapes: snowflake ids, only the requested ``tweet.fields`` beside the defaults (``id``,
``text``, ``edit_history_tweet_ids``), ``includes.users`` and ``includes.tweets`` for the
expansions, partial ``errors`` for a referenced post that is gone, ``meta`` with
``result_count``, ``newest_id``, ``oldest_id`` and ``next_token``, an empty result with no
``data`` at all; faults as problem details. Edits give a new id and keep the chain in
``edit_history_tweet_ids``; deleting any version deletes the chain; recent search sees only
the last seven days."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.fakeplatform import FakeApp, Request, Response, page_offset, page_token

SNOWFLAKE_EPOCH = datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)
RECENT_SEARCH_DAYS = 7
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
TWEET_FIELDS = {
    "id",
    "text",
    "edit_history_tweet_ids",
    "created_at",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "lang",
}


def snowflake(moment: datetime, sequence: int = 0) -> str:
    return str((int((moment - SNOWFLAKE_EPOCH).total_seconds() * 1000) << 22) + sequence)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def problem(status: int, title: str, detail: str | None = None) -> dict:
    return {"title": title, "detail": detail or title, "type": "about:blank", "status": status}


def unauthorized() -> Response:
    return Response(401, problem(401, "Unauthorized"))


def rate_limited(reset: int) -> Response:
    """HTTP 429 as X sends it: the window's limit, nothing left, and when it resets (epoch s)."""
    return Response(
        429,
        problem(429, "Too Many Requests"),
        {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )


def invalid_request(parameter: str, value: str, message: str) -> Response:
    return Response(
        400,
        {
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )


@dataclass
class XUser:
    id: str
    name: str
    username: str

    def resource(self) -> dict:
        return {"id": self.id, "name": self.name, "username": self.username}


@dataclass
class XPost:
    id: str
    text: str
    author_id: str
    created_at: datetime
    conversation_id: str
    replied_to: str = ""
    quoted: str = ""
    in_reply_to_user_id: str = ""
    edit_history: list[str] = field(default_factory=list)

    def resource(self, fields: set[str]) -> dict:
        full = {
            "id": self.id,
            "text": self.text,
            "edit_history_tweet_ids": list(self.edit_history or [self.id]),
            "created_at": rfc3339(self.created_at),
            "author_id": self.author_id,
            "conversation_id": self.conversation_id,
            "lang": "en",
        }
        if self.in_reply_to_user_id:
            full["in_reply_to_user_id"] = self.in_reply_to_user_id
        references = []
        if self.replied_to:
            references.append({"type": "replied_to", "id": self.replied_to})
        if self.quoted:
            references.append({"type": "quoted", "id": self.quoted})
        if references:
            full["referenced_tweets"] = references
        return {key: value for key, value in full.items() if key in fields or key in DEFAULT_TWEET_FIELDS}


class XFake(FakeApp):
    def __init__(
        self,
        user_id: str = "900",
        *,
        username: str = "CityofKankakee",
        name: str = "City of Kankakee",
        page_size: int = 100,
    ):
        self.user_id = user_id
        self.page_size = page_size
        self.users: dict[str, XUser] = {user_id: XUser(user_id, name, username)}
        self.posts: dict[str, XPost] = {}  # every version of every post, by id
        self.deleted: set[str] = set()
        self.blocked: list[str] = []  # user ids, most recently blocked first
        self._sequence = 0

    # -- state -------------------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, username: str) -> XUser:
        self.users[user_id] = XUser(user_id, name, username)
        return self.users[user_id]

    def _new_id(self, moment: datetime) -> str:
        self._sequence += 1
        return snowflake(moment, self._sequence)

    def post(
        self,
        text: str,
        *,
        at: datetime,
        author_id: str | None = None,
        replying_to: XPost | None = None,
        quoting: XPost | None = None,
    ) -> XPost:
        post_id = self._new_id(at)
        author = author_id or self.user_id
        created = XPost(
            id=post_id,
            text=text,
            author_id=author,
            created_at=at,
            conversation_id=replying_to.conversation_id if replying_to else post_id,
            replied_to=replying_to.id if replying_to else "",
            quoted=quoting.id if quoting else "",
            in_reply_to_user_id=replying_to.author_id if replying_to else "",
            edit_history=[post_id],
        )
        self.posts[post_id] = created
        return created

    def edit(self, post: XPost, text: str, *, at: datetime | None = None) -> XPost:
        """A new version with an id of its own, the chain in ``edit_history_tweet_ids``; the
        earlier version is no longer listed. An edited post that started its conversation
        starts it under its new id (replies already made keep the id they had)."""
        parent = self.posts.get(post.replied_to)
        if parent is not None and parent.author_id != post.author_id:
            # "Replies to others (non-self-thread)" are not editable (X, "Edit Posts").
            raise ValueError("X does not let a reply to someone else's post be edited")
        moment = at or datetime.now(UTC)
        version_id = self._new_id(moment)
        is_root = post.conversation_id == post.id
        version = XPost(
            id=version_id,
            text=text,
            author_id=post.author_id,
            created_at=moment,
            conversation_id=version_id if is_root else post.conversation_id,
            replied_to=post.replied_to,
            quoted=post.quoted,
            in_reply_to_user_id=post.in_reply_to_user_id,
            edit_history=[*post.edit_history, version_id],
        )
        for held in self.posts.values():
            if held.edit_history[0] == post.edit_history[0]:
                held.edit_history = list(version.edit_history)
        self.posts[version_id] = version
        return version

    def delete(self, post: XPost) -> None:
        """Deleting any version deletes every version of the post."""
        self.deleted.update(post.edit_history)

    def block(self, user_id: str) -> None:
        self.blocked.insert(0, user_id)

    def unblock(self, user_id: str) -> None:
        self.blocked.remove(user_id)

    def listed(self) -> list[XPost]:
        """The posts as the API lists them: the latest version of each, newest first."""
        found = [p for p in self.posts.values() if p.id not in self.deleted and p.edit_history[-1] == p.id]
        return sorted(found, key=lambda p: int(p.id), reverse=True)

    # -- API -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response | None:
        if request.token != self.token:
            return unauthorized()
        match = re.fullmatch(r"/2/users/(\d+)/(tweets|blocking)", request.path)
        if match and match.group(2) == "tweets":
            return self._timeline(request, match.group(1))
        if match:
            return self._blocking(request, match.group(1))
        if request.path == "/2/tweets/search/recent":
            return self._search(request)
        return None

    def _max_results(self, request: Request, low: int, high: int, default: int) -> int | Response:
        value = request.query.get("max_results", str(default))
        if not value.isdigit() or not low <= int(value) <= high:
            return invalid_request(
                "max_results",
                value,
                f"The `max_results` query parameter value [{value}] is not between {low} and {high}",
            )
        return min(int(value), self.page_size)

    def _time(self, request: Request, name: str) -> datetime | None | Response:
        value = request.query.get(name)
        if value is None:
            return None
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", value):
            return invalid_request(name, value, f"Invalid '{name}':'{value}'. '{name}' must be RFC 3339")
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    def _timeline(self, request: Request, user_id: str) -> Response:
        if user_id not in self.users:
            return Response(
                200,
                {
                    "errors": [
                        {
                            "value": user_id,
                            "detail": f"Could not find user with id: [{user_id}].",
                            "title": "Not Found Error",
                            "resource_type": "user",
                            "parameter": "id",
                            "resource_id": user_id,
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    ]
                },
            )
        size = self._max_results(request, 5, 100, 10)
        start = self._time(request, "start_time")
        for checked in (size, start):
            if isinstance(checked, Response):
                return checked
        posts = [
            p for p in self.listed() if p.author_id == user_id and (start is None or p.created_at >= start)
        ]
        return self._posts_page(request, posts, size, "pagination_token")

    def _search(self, request: Request) -> Response:
        query = request.query.get("query", "")
        conversations = re.findall(r"conversation_id:(\d+)", query)
        if not conversations or re.sub(r"conversation_id:\d+|\s+OR\s+", "", query).strip():
            return invalid_request("query", query, "There were errors processing your request")
        size = self._max_results(request, 10, 100, 10)
        if isinstance(size, Response):
            return size
        since = datetime.now(UTC) - timedelta(days=RECENT_SEARCH_DAYS)
        posts = [
            p
            for p in self.listed()
            if p.conversation_id in conversations and p.id not in conversations and p.created_at >= since
        ]
        return self._posts_page(request, posts, size, "next_token")

    def _posts_page(self, request: Request, posts: list[XPost], size: int, token_name: str) -> Response:
        fields = set((request.query.get("tweet.fields") or "").split(",")) & TWEET_FIELDS
        expansions = set((request.query.get("expansions") or "").split(","))
        offset = page_offset(request.query.get(token_name))
        chunk = posts[offset : offset + size]
        meta: dict = {"result_count": len(chunk)}
        if not chunk:
            return Response(200, {"meta": meta})
        body: dict = {"data": [p.resource(fields) for p in chunk]}
        includes: dict = {}
        errors = []
        if "author_id" in expansions:
            authors = dict.fromkeys(p.author_id for p in chunk)
            includes["users"] = [self.users[a].resource() for a in authors if a in self.users]
        if "referenced_tweets.id" in expansions:
            referenced = dict.fromkeys(r for p in chunk for r in (p.replied_to, p.quoted) if r)
            tweets = []
            for ref in referenced:
                if ref in self.posts and ref not in self.deleted:
                    tweets.append(self.posts[ref].resource(fields))
                else:
                    errors.append(
                        {
                            "value": ref,
                            "detail": f"Could not find tweet with referenced_tweets.id: [{ref}].",
                            "title": "Not Found Error",
                            "resource_type": "tweet",
                            "parameter": "referenced_tweets.id",
                            "resource_id": ref,
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    )
            if tweets:
                includes["tweets"] = tweets
        if includes:
            body["includes"] = includes
        if errors:
            body["errors"] = errors
        meta.update(newest_id=chunk[0].id, oldest_id=chunk[-1].id)
        if offset + size < len(posts):
            meta["next_token"] = page_token(offset + size)
        body["meta"] = meta
        return Response(200, body)

    def _blocking(self, request: Request, user_id: str) -> Response:
        if user_id != self.user_id:
            return Response(
                403,
                problem(403, "Forbidden", "You are not permitted to view the blocks of another user."),
            )
        size = self._max_results(request, 1, 1000, 100)
        if isinstance(size, Response):
            return size
        offset = page_offset(request.query.get("pagination_token"))
        chunk = self.blocked[offset : offset + size]
        meta: dict = {"result_count": len(chunk)}
        if offset + size < len(self.blocked):
            meta["next_token"] = page_token(offset + size)
        if not chunk:
            return Response(200, {"meta": meta})
        return Response(200, {"data": [self.users[u].resource() for u in chunk], "meta": meta})


def epoch_in(seconds: float) -> int:
    """An ``x-rate-limit-reset``: the whole epoch second at least ``seconds`` from now."""
    return int(time.time() + seconds) + 1

"""X (API v2): the City account's posts, the replies in their conversations, and the accounts
it has blocked.

- ``GET /2/users/{id}/tweets``: the account's posts (its replies and reposts too), newest
  first, from the window's start (``start_time``; ``CAPTURE_ACTIVE_DAYS``, the daily
  re-scan ``CAPTURE_RESCAN_DAYS``); ``--full`` asks for all the API gives, which is the
  3,200 most recent, so a full run decides no deletion. Complete, a windowed listing
  accounts for every City post posted in the window.
- ``GET /2/tweets/search/recent?query=conversation_id:{post}``: the replies, at every
  level, in the conversation of each City post of the last ``RECENT_SEARCH_DAYS`` days.
  Recent search sees only posts of the last seven days, whatever the run's window, so
  a complete listing accounts only for the replies posted inside that window (a little
  inside it: the API's week is counted from each request, not from the run's start).
- ``GET /2/users/{id}/blocking``: the block list (OAuth 2.0 user context, ``block.read``).

Every page is the ``x-api`` importer format (moderation.capture.importers.x), exactly as a
response saved to a file: the same post captured both ways is one item. An edited post is
a new version of its original (the importer reads ``edit_history_tweet_ids``), so the
original's id is not taken for deleted; a conversation is searched by every id of its first
post's versions. Throttling (HTTP 429 with ``x-rate-limit-reset``) is waited out and an
expired or revoked token (HTTP 401) stops capture until reauthorization, both in
moderation.connectors.client.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from moderation.capture.importers import Author, CaptureError, scan
from moderation.capture.importers.base import MAX_NAME_LENGTH, Fields
from moderation.capture.models import Comment
from moderation.connectors.base import Connector, Coverage, Listing
from moderation.connectors.client import PlatformRefused

# X's recent search (``/2/tweets/search/recent``) lists posts of the last seven days only
# ("Search Posts: recent search", X API v2 documentation); full-archive search is not on
# the plans a city buys. Conversations of City posts older than this are not listed.
RECENT_SEARCH_DAYS = 7
# Replies are expected in a conversation listing only when posted at least this far inside
# the search window, so that one posted at its edge, which the API may already have left
# out when the listing's pages are fetched, is never taken for deleted.
RECENT_SEARCH_MARGIN = timedelta(hours=1)
# Levels of replies followed when working out which held replies a conversation must list.
MAX_REPLY_DEPTH = 50

TWEET_FIELDS = ",".join(
    (
        "id",
        "text",
        "created_at",
        "author_id",
        "conversation_id",
        "in_reply_to_user_id",
        "referenced_tweets",
        "edit_history_tweet_ids",
    )
)
_POST_PARAMS = {
    "tweet.fields": TWEET_FIELDS,
    "expansions": "author_id,referenced_tweets.id",
    "user.fields": "id,name,username",
    "max_results": "100",
}
_GONE = (Comment.PlatformState.DELETED, Comment.PlatformState.UNAVAILABLE)


def rfc3339(moment: datetime) -> str:
    """X's time parameters: ``YYYY-MM-DDTHH:mm:ssZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class XConnector(Connector):
    platform = "x"
    format = "x-api"

    def plan(self):
        window = self.context.window_start
        params = dict(_POST_PARAMS)
        if window is not None:
            params["start_time"] = rfc3339(window)
        yield Listing(
            key="posts",
            path=f"2/users/{self.account_id}/tweets",
            params=params,
            what=f"the posts of X account {self.account_id}",
            format=self.format,
            # Without a window the API gives only the 3,200 most recent posts: older ones
            # are not listed, and not deleted either.
            coverage=Coverage(where=Q(kind=Comment.Kind.CITY_POST), since=window) if window else None,
            of_kinds=(Comment.Kind.CITY_POST,),
            settles=True,
        )
        # The posts listing is committed by now: the conversations of the City's posts,
        # first post first, as held.
        roots = (
            Comment.objects.filter(
                site=self.site,
                kind=Comment.Kind.CITY_POST,
                posted_at__gte=self.context.now - timedelta(days=RECENT_SEARCH_DAYS),
            )
            .exclude(platform_state__in=_GONE)
            .order_by("posted_at", "pk")
            .values_list("platform_item_id", "raw_payload")
        )
        for root_id, raw_payload in list(roots):
            yield self.conversation(root_id, _versions(root_id, raw_payload))

    def conversation(self, root_id: str, versions: list[str]) -> Listing:
        # An edited first post may carry its conversation under any of its ids.
        query = " OR ".join(f"conversation_id:{version}" for version in versions)
        search_start = timezone.now() - timedelta(days=RECENT_SEARCH_DAYS)
        return Listing(
            key=f"conversation:{root_id}",
            path="2/tweets/search/recent",
            params={**_POST_PARAMS, "query": query},
            what=f"the replies in the conversation of post {root_id}",
            format=self.format,
            coverage=Coverage(
                where=Q(platform_item_id__any_of=self._replies_held(root_id)),
                since=search_start + RECENT_SEARCH_MARGIN,
            ),
        )

    def _replies_held(self, root_id: str) -> list[str]:
        """The held replies in the conversation of ``root_id``, at every level.

        Only replies: the importer also links a quote to the post it quotes, but a quote
        starts a conversation of its own and is never in this one's search. A reply to the
        first post says ``replied_to`` (its payload as sent); a reply further down is of
        kind "reply", which only ``replied_to`` gives."""
        held = Comment.objects.filter(site=self.site).exclude(kind=Comment.Kind.REFERENCED)
        frontier = list(
            held.filter(parent_platform_item_id=root_id, raw_payload__contains='"replied_to"').values_list(
                "platform_item_id", flat=True
            )
        )
        found = set(frontier)
        for _level in range(MAX_REPLY_DEPTH):
            if not frontier:
                break
            children = held.filter(kind=Comment.Kind.REPLY, parent_platform_item_id__any_of=frontier)
            frontier = [
                pid for pid in children.values_list("platform_item_id", flat=True) if pid not in found
            ]
            found.update(frontier)
        return sorted(found)

    def next_params(self, listing, page):
        meta = page.data.get("meta") if isinstance(page.data, dict) else None
        token = meta.get("next_token") if isinstance(meta, dict) else None
        if not isinstance(token, str) or not token:
            return None
        # Recent search pages with ``next_token``; timelines and user lists with
        # ``pagination_token`` (the same value, named differently).
        name = "next_token" if listing.path.endswith("search/recent") else "pagination_token"
        return {**listing.params, name: token}

    def block_list(self):
        params = {"user.fields": "id,name,username", "max_results": "1000"}
        path = f"2/users/{self.account_id}/blocking"
        number = 0
        while True:
            number += 1
            page = self.client.get(path, params)
            data = page.data if isinstance(page.data, dict) else {}
            for index, (user, raw) in enumerate(_entries(page.body, number)):
                yield _blocked_account(user, raw, f"the block list, page {number}: data[{index}]")
            meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
            token = meta.get("next_token")
            if not isinstance(token, str) or not token:
                return
            params = {**params, "pagination_token": token}


def _versions(root_id: str, raw_payload: str) -> list[str]:
    """Every id of the post's versions as last captured (``edit_history_tweet_ids``)."""
    try:
        history = json.loads(raw_payload).get("edit_history_tweet_ids")
    except (ValueError, AttributeError):
        history = None
    versions = [root_id]
    if isinstance(history, list):
        versions += [v for v in history if isinstance(v, str) and v.isdigit() and v not in versions]
    return versions


def _entries(body: bytes, number: int) -> list[tuple[object, str]]:
    """``(parsed, exact text)`` of each entry of a page's ``data``: kept as X sent it."""
    text = body.decode("utf-8")
    found: list[tuple[object, str]] = []

    def member(key: str, at: int) -> int:
        if key == "data" and text.startswith("[", at):
            return scan.elements(text, at, found)
        if key == "data":
            raise PlatformRefused(f"X sent a block list page ({number}) whose “data” is not a list")
        return scan.value(text, at)[1]

    start = scan.skip(text, 0)
    if not text.startswith("{", start):
        raise PlatformRefused(f"X sent a block list page ({number}) that is not a JSON object")
    try:
        scan.members(text, start, member, location=f"the block list, page {number}")
    except (ValueError, RecursionError, CaptureError) as exc:
        raise PlatformRefused(f"X sent a block list page ({number}) that cannot be read: {exc}") from None
    return found


def _blocked_account(user, raw: str, location: str) -> tuple[Author, str]:
    try:
        fields = Fields(user, location)
        user_id = fields.identifier("id")
        username = fields.text("username", required=False, max_length=MAX_NAME_LENGTH)
        name = fields.text("name", required=False, max_length=MAX_NAME_LENGTH)
    except CaptureError as exc:
        raise PlatformRefused(f"X sent a block list entry that is not an account: {exc}") from None
    author = Author(
        platform_user_id=user_id,
        display_name=name or username,
        profile_url=f"https://x.com/{username}" if username else "",
        handle=username,
    )
    return author, raw

"""X (Twitter): API v2 search/conversation responses, and the account archive's tweets.js.

API v2: ``GET /2/tweets/search/recent?query=conversation_id:…&tweet.fields=author_id,
created_at,conversation_id,in_reply_to_user_id,referenced_tweets&expansions=author_id``
answers ``{"data": [tweets], "includes": {"users": [...]}, "meta": {...}}``. The users
usually come after the tweets, so the file is read twice: once for ``includes.users``
(one page of users), once for the tweets.

Archive: ``data/tweets.js`` (also ``tweets-part1.js``, …) is JavaScript,
``window.YTD.tweets.part0 = [{"tweet": {...}}, ...]``. The prefix is checked and
skipped and the rest parsed as JSON; nothing is evaluated. Numbers are strings there.
"""

from __future__ import annotations

import re

import ijson

from moderation.importers.base import Author, CapturedItem, CaptureError, Fields, dump_payload
from moderation.importers.stream import json_array_items

PLATFORM = "x"
ARCHIVE_TIME_FORMATS = ("%a %b %d %H:%M:%S %z %Y",)
_ARCHIVE_PREFIX = re.compile(rb"^\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*(?=\[)")


def read_api(stream, *, site):
    users = _users(stream)
    stream.seek(0)
    for index, obj, raw in json_array_items(stream, "data", what="an X API v2 response"):
        fields = Fields(obj, f"data[{index}]")
        tweet_id = fields.identifier("id")
        author_id = fields.identifier("author_id")
        user = users.get(author_id, {})
        username = str(user.get("username") or "")
        author = Author(
            platform_user_id=author_id,
            display_name=str(user.get("name") or username),
            profile_url=f"https://x.com/{username}" if username else "",
            handle=username,
        )
        conversation_id = fields.identifier("conversation_id", required=False)
        parent_id = ""
        for ref_index, ref in enumerate(fields.array("referenced_tweets")):
            ref_fields = Fields(ref, f"{fields.location}.referenced_tweets[{ref_index}]")
            if ref_fields.text("type") == "replied_to":
                parent_id = ref_fields.identifier("id")
        if not parent_id and conversation_id and conversation_id != tweet_id:
            parent_id = conversation_id
        is_city = bool(username) and username.lower() == site.handle.lower().lstrip("@")
        if not parent_id:
            kind = "city_post" if is_city else "comment"
        elif parent_id == conversation_id:
            kind = "comment"
        else:
            kind = "reply"
        yield CapturedItem(
            platform_item_id=tweet_id,
            kind=kind,
            text=fields.text("text"),
            posted_at=fields.timestamp("created_at"),
            raw_payload=raw if raw is not None else dump_payload(obj),
            author=author,
            parent_platform_item_id=parent_id,
            permalink=f"https://x.com/{username or 'i/web'}/status/{tweet_id}",
            location=fields.location,
        )


def _users(stream) -> dict[str, dict]:
    users: dict[str, dict] = {}
    try:
        for index, user in enumerate(ijson.items(stream, "includes.users.item")):
            fields = Fields(user, f"includes.users[{index}]")
            users[fields.identifier("id")] = user
    except ijson.JSONError as exc:
        raise CaptureError(f"not valid JSON: {exc}") from None
    return users


def read_archive(stream, *, site):
    head = stream.read(256)
    match = _ARCHIVE_PREFIX.match(head)
    if match is None:
        raise CaptureError(
            "this is not an X archive tweets file: expected it to start with “window.YTD.tweets.part0 = [”",
            location="line 1",
        )
    stream.seek(match.end())
    handle = site.handle.lstrip("@")
    for index, obj, raw in json_array_items(stream, "", what="an X archive tweets file"):
        outer = Fields(obj, f"[{index}]")
        fields = outer.child("tweet") if outer.has("tweet") else outer
        tweet_id = fields.identifier("id_str") if fields.has("id_str") else fields.identifier("id")
        text = fields.text("full_text") if fields.has("full_text") else fields.text("text")
        parent_id = fields.identifier("in_reply_to_status_id_str", required=False)
        yield CapturedItem(
            platform_item_id=tweet_id,
            kind="reply" if parent_id else "city_post",
            text=text,
            posted_at=fields.timestamp("created_at", formats=ARCHIVE_TIME_FORMATS),
            raw_payload=raw if raw is not None else dump_payload(obj),
            author=None,
            from_city=True,
            parent_platform_item_id=parent_id,
            permalink=f"https://x.com/{handle}/status/{tweet_id}",
            location=fields.location,
        )

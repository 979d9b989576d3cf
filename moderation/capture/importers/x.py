"""X (Twitter): API v2 responses, as the API sends them or as twarc2 saves them, and the
posts of an account archive (``data/tweets.js``, ``data/deleted-tweets.js``).

API v2 (search, conversation, timelines, lookup) answers one JSON object per request:
``{"data": [posts], "includes": {"users": [...], "tweets": [...]}, "errors": [...],
"meta": {...}}``. A file holds one such response (maybe pretty-printed) or, as twarc2
writes them, one whole response per line (JSON Lines). Responses are read one at a time,
each at most ``MAX_RESPONSE_BYTES``, so memory does not grow with the file; ``includes``
belong to their own response and are forgotten after it.

What the API may leave out, and what is done instead:

- ``author_id`` and ``created_at`` are not default ``tweet.fields``: without them the
  author is unknown, and the time is read from the post's id (a "snowflake": its bits
  above the 22nd count milliseconds since 2010-11-04T01:42:54.657Z), recorded as derived.
- ``includes.tweets`` (the ``referenced_tweets.id`` expansion) holds the posts that the
  posts in ``data`` reply to, quote or repost; they are kept as items of their own.
- ``errors`` holds partial errors: a referenced post the API would not give ("Not Found
  Error": deleted; "Authorization Error": protected or withheld) becomes a stub item in
  state "unavailable"; errors about users, media, polls or places are not posts.

Edits: X gives each version of an edited post an id of its own, and lists the versions in
``edit_history_tweet_ids`` (a default field), the original first; the API answers with the
latest version and no longer lists the earlier ones. A version is imported as the original
post (its first id), edited: one item, whose history keeps every earlier text, and which
is not taken for deleted because its original id is no longer listed. Its time is the
original's (read from the first id, marked derived: ``created_at`` is the edit's), its
permalink the version's. References to any version (a reply to the edited post, a
conversation id) are read as the original where the response shows the edit history.

Archive: ``window.YTD.<name>.part<N> = [...]`` is JavaScript; the prefix is checked and
skipped and the rest parsed as JSON (nothing is evaluated). Numbers are strings there.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from moderation.capture.importers import scan
from moderation.capture.importers.base import (
    MAX_NAME_LENGTH,
    Author,
    CapturedItem,
    CaptureError,
    Fields,
    json_kind,
)
from moderation.capture.importers.stream import json_array_items

PLATFORM = "x"

# One API response: a page of 100 posts (500 from full-archive search) with every field
# and expansion is a few MB at most; twarc2's lines are a few hundred KB. Anything larger
# is not one response, and is refused before it is held in memory (8 MiB parsed, with
# the text and the file's bytes, stays under the capture's 150 MiB).
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# Parsed, a JSON value costs far more memory than its text ("1," is two bytes, a number
# object many times that), so the number of values in one response is bounded too: real
# responses hold about one value (a comma, an object or an array) per 24 bytes, some
# 170,000 in a page of 4 MB.
MAX_RESPONSE_VALUES = 500_000

# Snowflake ids (X's "Twitter IDs" documentation): milliseconds since this epoch, shifted
# left 22 bits. Ids below the first snowflake were sequential and carry no time
# (the figure is TweetedAt's, oduwsdl/tweetedat TimestampEstimator.py).
SNOWFLAKE_EPOCH = datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)
FIRST_SNOWFLAKE_ID = 29_700_859_247

# Posts in ``data`` already imported, remembered so that a later response's
# ``includes.tweets`` copy of one (as "referenced") does not replace it; bounded, so memory
# does not grow with the file. Search pages come newest first and a post only references
# older ones, so a referenced copy rarely follows its data copy from far back.
_DATA_IDS_REMEMBERED = 200_000

# Partial errors (``errors[]``) on these request parameters are about a post that a
# captured post references (or that was asked for by id); other tweet errors (a user's
# ``pinned_tweet_id``) are not about the conversation and are not kept.
_POST_PARAMETERS = {"referenced_tweets.id", "id", "ids"}


def time_from_id(post_id: str) -> datetime | None:
    """When an X post was made, read from its snowflake id; None if the id carries no time."""
    if not (post_id.isascii() and post_id.isdigit()) or len(post_id) > 20:
        return None
    number = int(post_id)
    if number < FIRST_SNOWFLAKE_ID:
        return None
    moment = SNOWFLAKE_EPOCH + timedelta(milliseconds=number >> 22)
    if moment > datetime.now(UTC) + timedelta(days=1):
        return None  # not a post id: it would date the post in the future
    return moment


def _derived_time(post_id: str, *, location: str, field: str) -> datetime:
    moment = time_from_id(post_id)
    if moment is not None:
        return moment
    if not (post_id.isascii() and post_id.isdigit()):
        why = f"the id “{post_id[:40]}” is not an X post id"
    elif int(post_id) < FIRST_SNOWFLAKE_ID:
        why = f"post {post_id} is from before November 2010, when ids carried no time"
    else:
        why = f"the id {post_id[:40]} would date the post in the future"
    raise CaptureError(
        f"the post's time is not given and cannot be derived from its id: {why}"
        + ("; request tweet.fields=created_at" if field == "created_at" else ""),
        location=location,
        field=field,
    )


# -- API v2 ---------------------------------------------------------------------------------
@dataclass
class _User:
    username: str
    name: str


def read_api(stream, *, site):
    city = site.handle.lower().lstrip("@")
    data_ids: OrderedDict[str, None] = OrderedDict()
    for where, response in _responses(stream):
        yield from _response_items(response, where, city=city, data_ids=data_ids)


@dataclass
class _Response:
    """One API response: its top-level members parsed, and the elements of ``data``,
    ``includes.tweets`` and ``errors`` each with its exact text in the file."""

    top: dict
    data: list[tuple[object, str]]
    included: list[tuple[object, str]]
    errors: list[tuple[object, str]]


def _responses(stream):
    """Yield ``(where, response)`` for each response in the file.

    JSON Lines (twarc2) when the first line is a whole JSON value, each line then one
    response, ``where`` "line N: "; otherwise the file is one (pretty-printed) response,
    or several written one after another, ``where`` "" or "response N: ".
    """
    consumed = 0
    number = 0
    first = True
    while True:
        line = stream.readline(MAX_RESPONSE_BYTES + 1)
        if not line:
            break
        number += 1
        consumed += len(line)
        if len(line) > MAX_RESPONSE_BYTES and not line.endswith(b"\n"):
            raise CaptureError(_too_large("line"), location=f"line {number}")
        text = _decode(line, location=f"line {number}")
        line = None  # the text is held; the bytes are not needed while it is read
        if not text.strip():
            continue
        _check_values(text, location=f"line {number}")
        try:
            response, end = _parse_response(text, 0, location=f"line {number}")
            if scan.skip(text, end) != len(text):
                raise json.JSONDecodeError("Extra data", text, scan.skip(text, end))
        except json.JSONDecodeError as exc:
            if not first:
                raise CaptureError(
                    f"not valid JSON: {exc.msg} (column {exc.colno})", location=f"line {number}"
                ) from None
            # Not a whole value on its first line: one pretty-printed document.
            rest = stream.read(max(1, MAX_RESPONSE_BYTES + 1 - consumed))
            if consumed + len(rest) > MAX_RESPONSE_BYTES:
                raise CaptureError(_too_large("file")) from None
            text += _decode(rest, location="", offset=consumed)
            rest = None
            _check_values(text, location="")
            yield from _documents(text, number)
            return
        first = False
        yield f"line {number}: ", response
    if first:
        raise CaptureError("this is not an X API v2 response: the file is empty")


def _documents(text: str, first_line: int):
    """The responses in ``text`` (one, or several with only whitespace between them)."""
    found = []
    position = scan.skip(text, 0)
    while position < len(text):
        try:
            response, position = _parse_response(text, position, location=f"response {len(found) + 1}")
        except json.JSONDecodeError as exc:
            line = first_line + exc.lineno - 1
            raise CaptureError(
                f"not valid JSON: {exc.msg}", location=f"line {line}, column {exc.colno}"
            ) from None
        found.append(response)
        position = scan.skip(text, position)
    for index, response in enumerate(found, start=1):
        yield (f"response {index}: " if len(found) > 1 else ""), response


def _parse_response(text: str, position: int, *, location: str):
    """The response at ``position`` and where it ends; JSONDecodeError if it is not JSON."""
    try:
        return _walk_response(text, position, location=location)
    except RecursionError:
        raise CaptureError(_too_deep()) from None


# The standard library's scanner parses each value at C speed and says where it ends, so
# walking the response's outer levels with it (moderation.capture.importers.scan) gives every
# post's exact text (its payload) and its parsed object in one pass, nothing rescanned.
def _walk_response(text: str, position: int, *, location: str):
    position = scan.skip(text, position)
    if not text.startswith("{", position):
        value, _end = scan.value(text, position)
        raise CaptureError(
            f"this is not an X API v2 response: expected a JSON object, got {json_kind(value)}",
            location=location if location.startswith("line") else "",
        )
    response = _Response(top={}, data=[], included=[], errors=[])

    def member(key: str, at: int) -> int:
        if key in ("data", "errors") and text.startswith("[", at):
            found = response.data if key == "data" else response.errors
            end = scan.elements(text, at, found)
            response.top[key] = [value for value, _raw in found]
        elif key == "data" and text.startswith("{", at):
            # A lookup of one post (``GET /2/tweets/:id``) and the filtered stream give
            # ``data`` as one object, the other endpoints as a list.
            value, end = scan.value(text, at)
            response.data.append((value, text[at:end]))
            response.top[key] = value
        elif key == "includes" and text.startswith("{", at):
            includes = response.top[key] = {}

            def included(name: str, start: int) -> int:
                if name == "tweets" and text.startswith("[", start):
                    done = scan.elements(text, start, response.included)
                    includes[name] = [value for value, _raw in response.included]
                else:
                    includes[name], done = scan.value(text, start)
                return done

            end = scan.members(text, at, included, location=location)
        else:
            response.top[key], end = scan.value(text, at)
        return end

    return response, scan.members(text, position, member, location=location)


def _decode(data: bytes, *, location: str, offset: int = 0) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaptureError(f"not UTF-8 text (byte {offset + exc.start + 1})", location=location) from None


def _too_large(what: str) -> str:
    mib = 1024 * 1024
    limit = (
        f"{MAX_RESPONSE_BYTES // mib} MiB" if MAX_RESPONSE_BYTES >= mib else f"{MAX_RESPONSE_BYTES:,} bytes"
    )
    if what == "line":
        return f"longer than {limit}: one X API response is a few MB at most"
    return (
        f"this file is one JSON document larger than {limit}, more than one X API response "
        "holds; save the responses one per line (as twarc2 does)"
    )


def _check_values(text: str, *, location: str) -> None:
    values = text.count(",") + text.count("{") + text.count("[")
    if values > MAX_RESPONSE_VALUES:
        raise CaptureError(
            f"holds some {values:,} JSON values, more than one X API response "
            f"(at most {MAX_RESPONSE_VALUES:,})",
            location=location,
        )


def _too_deep() -> str:
    return "this is not an X API v2 response: its JSON is nested far deeper than the API's"


def _response_items(response: _Response, where: str, *, city: str, data_ids: OrderedDict):
    location = where.removesuffix(": ")
    _check_is_response(response.top, location)
    top = Fields(response.top, location)
    single = isinstance(response.top.get("data"), dict)
    # What is not a list (or, for ``data``, one object) where the API sends one is refused.
    if not single:
        top.array("data")
    top.array("errors")
    includes = top.child("includes")
    users = _users(includes, where) if includes else {}
    if includes:
        includes.array("tweets")

    originals = _edited_originals(response)

    # The posts of ``data``, and the posts they reply to.
    replied_to: set[str] = set()
    data_items = []
    for index, (post, raw) in enumerate(response.data):
        fields = Fields(post, f"{where}data" if single else f"{where}data[{index}]")
        _check_is_post(fields)
        item = _post_item(fields, raw, users, city=city, originals=originals)
        replied_to.update(originals.get(i, i) for i in _references(fields).get("replied_to", ()))
        data_items.append(item)
    data_items = _latest_versions(data_items)
    data_here = {item.platform_item_id for item in data_items}
    in_this_response = set(data_here)

    included_items = []
    for index, (post, raw) in enumerate(response.included):
        fields = Fields(post, f"{where}includes.tweets[{index}]")
        post_id = fields.identifier("id")
        post_id = originals.get(post_id, post_id)
        # A post both in ``data`` and in ``includes`` (a reply whose parent the search
        # also found) is imported once, from ``data``. The same post twice in
        # ``includes`` (seen, one copy with its links' previews and one without) goes to
        # the writer as it is, which keeps the last.
        if post_id in data_here or post_id in data_ids:
            continue
        in_this_response.add(post_id)
        # A parent of a reply is part of the conversation and gets the same kinds as the
        # posts of ``data``; a post that is only quoted or reposted was not written on
        # the City's site, unless the City wrote it.
        included_items.append(
            _post_item(
                fields, raw, users, city=city, originals=originals, only_referenced=post_id not in replied_to
            )
        )
    yield from _latest_versions(included_items)

    yield from data_items
    for item in data_items:
        data_ids[item.platform_item_id] = None
        data_ids.move_to_end(item.platform_item_id)
    while len(data_ids) > _DATA_IDS_REMEMBERED:
        data_ids.popitem(last=False)

    for index, (error, raw) in enumerate(response.errors):
        stub = _unavailable_post(Fields(error, f"{where}errors[{index}]"), raw)
        if stub is not None and stub.platform_item_id not in in_this_response:
            in_this_response.add(stub.platform_item_id)
            yield stub


def _check_is_response(response: dict, location: str) -> None:
    if "paging" in response:
        raise CaptureError(
            "this is not an X API v2 response: it has “paging”, as Meta's Graph API responses do",
            location=location,
        )
    if response.keys() & {"data", "includes", "meta", "errors"}:
        if "errors" in response and not response.keys() & {"data", "meta"} and "title" in response:
            # The whole request failed (``{"title": "Invalid Request", "errors": [...]}``).
            raise CaptureError(
                f"this is the X API's refusal of a request (“{str(response['title'])[:80]}”), not posts",
                location=location,
            )
        return
    if "title" in response and ("status" in response or "detail" in response):
        # A request-level problem (``{"title": "Too Many Requests", "status": 429, ...}``).
        raise CaptureError(
            f"this is the X API's refusal of a request (“{str(response['title'])[:80]}”), not posts",
            location=location,
        )
    if "id" in response and "text" in response:
        raise CaptureError(
            "this is one post per line (twarc2 flatten output?), not an X API v2 response; "
            "import the responses as twarc2 saved them",
            location=location,
        )
    raise CaptureError(
        "this is not an X API v2 response: expected an object with “data”, “includes”, “meta” or “errors”",
        location=location,
    )


def _check_is_post(fields: Fields) -> None:
    """Refuse, by what they are, the other objects API v2 lists in ``data``."""
    if fields.has("text") or fields.has("note_tweet"):
        return
    obj = fields.obj
    if "username" in obj:
        what = "users (this one has a username, not a post's text)"
    elif "event_type" in obj or "dm_conversation_id" in obj:
        what = "direct-message events"
    elif "media_key" in obj:
        what = "media"
    else:
        return  # a post without its text: the field's error says so
    raise CaptureError(f"this X API response lists {what}, not posts", location=fields.location)


def _users(includes: Fields, where: str) -> dict[str, _User]:
    users: dict[str, _User] = {}
    for index, user in enumerate(includes.array("users")):
        fields = Fields(user, f"{where}includes.users[{index}]")
        users[fields.identifier("id")] = _User(
            username=fields.text("username", required=False, max_length=MAX_NAME_LENGTH),
            name=fields.text("name", required=False, max_length=MAX_NAME_LENGTH),
        )
    return users


def _references(fields: Fields) -> dict[str, list[str]]:
    """``referenced_tweets``: type ("replied_to", "quoted", "retweeted") -> post ids."""
    found: dict[str, list[str]] = {}
    for index, ref in enumerate(fields.array("referenced_tweets")):
        ref_fields = Fields(ref, f"{fields.location}.referenced_tweets[{index}]")
        found.setdefault(ref_fields.text("type"), []).append(ref_fields.identifier("id"))
    return found


def _edit_history(post) -> list[str]:
    """``edit_history_tweet_ids`` of a post, when it is a list of ids; [] otherwise."""
    history = post.get("edit_history_tweet_ids") if isinstance(post, dict) else None
    if not isinstance(history, list) or not all(isinstance(i, str) and i.isdigit() for i in history):
        return []
    return history


def _edited_originals(response: _Response) -> dict[str, str]:
    """Version id -> the original's id, for every edited post the response shows."""
    originals: dict[str, str] = {}
    for post, _raw in (*response.data, *response.included):
        history = _edit_history(post)
        if len(history) > 1:
            for version in history[1:]:
                originals[version] = history[0]
    return originals


def _latest_versions(items: list[CapturedItem]) -> list[CapturedItem]:
    """Without the earlier versions of an edited post when a later one is in the same list:
    a later version has a later, so larger, snowflake id, and is the post as it is now,
    whatever the order. Copies of one version are left for the writer (it keeps the last)."""
    latest: dict[str, int] = {}
    for item in items:
        latest[item.platform_item_id] = max(latest.get(item.platform_item_id, 0), _version_id(item))
    return [item for item in items if _version_id(item) >= latest[item.platform_item_id]]


def _version_id(item: CapturedItem) -> int:
    version = str(item.content.get("id", "")) if isinstance(item.content, dict) else ""
    return int(version) if version.isdigit() else 0


def _post_item(
    fields: Fields,
    raw: str,
    users: dict,
    *,
    city: str,
    originals: dict[str, str],
    only_referenced: bool = False,
):
    version_id = fields.identifier("id")
    post_id = originals.get(version_id, version_id)
    author = None
    username = ""
    author_id = fields.identifier("author_id", required=False)
    if author_id:
        user = users.get(author_id)
        username = user.username if user else ""
        author = Author(
            platform_user_id=author_id,
            display_name=(user.name or username) if user else "",
            profile_url=f"https://x.com/{username}" if username else "",
            handle=username,
        )
    is_city = bool(username) and username.lower() == city
    references = {kind: [originals.get(i, i) for i in ids] for kind, ids in _references(fields).items()}
    conversation_id = fields.identifier("conversation_id", required=False)
    conversation_id = originals.get(conversation_id, conversation_id)
    replied = references.get("replied_to", [""])[0]
    reposted = references.get("retweeted", [""])[0]
    quoted = references.get("quoted", [""])[0]
    if replied:
        parent_id = replied
        kind = "comment" if parent_id == conversation_id else "reply"
    elif reposted:
        parent_id, kind = reposted, "repost"
    elif quoted:
        # A quote is the quoting post's words about the quoted one (often the City's
        # post): linked to it, as a reply is to its parent, so that the record reads with
        # what it answers. Its own conversation starts with it, so it is not a reply.
        parent_id = quoted
        kind = "city_post" if is_city else "comment"
    elif conversation_id and conversation_id != post_id:
        # Without ``referenced_tweets`` (not requested), the conversation's first post.
        parent_id, kind = conversation_id, "comment"
    else:
        parent_id = ""
        kind = "city_post" if is_city else "comment"
    if only_referenced and not is_city:
        kind = "referenced"

    # A long post (over 280 characters) comes truncated in ``text``; ``note_tweet.text``
    # has all of it.
    note = fields.child("note_tweet")
    text = note.body("text", required=True) if note else fields.body("text", required=True)
    edited_from = time_from_id(post_id) if post_id != version_id else None
    if edited_from is not None:
        posted_at, derived = edited_from, True  # ``created_at`` is the edit's
    elif fields.has("created_at"):
        posted_at, derived = fields.timestamp("created_at"), False
    else:
        posted_at, derived = _derived_time(version_id, location=fields.location, field="created_at"), True
    return CapturedItem(
        platform_item_id=post_id,
        kind=kind,
        text=text,
        posted_at=posted_at,
        posted_at_derived=derived,
        raw_payload=raw,
        content=fields.obj,
        author=author,
        parent_platform_item_id=parent_id,
        permalink=f"https://x.com/{username or 'i/web'}/status/{version_id}",
        location=fields.location,
    )


def _unavailable_post(fields: Fields, raw: str) -> CapturedItem | None:
    """A partial error on a post: the post exists no longer or may not be seen.

    ``{"resource_type": "tweet", "resource_id": "…", "parameter": "referenced_tweets.id",
    "title": "Not Found Error" | "Authorization Error", "detail": …}``: deleted, or
    protected or withheld. Only its id is known; the error is its record."""
    if fields.obj.get("resource_type") != "tweet":
        return None  # a suspended user, a missing media item: not posts
    parameter = fields.obj.get("parameter")
    if parameter is not None and parameter not in _POST_PARAMETERS:
        return None
    post_id = fields.identifier("resource_id")
    return CapturedItem(
        platform_item_id=post_id,
        kind="referenced",
        text="",
        posted_at=_derived_time(post_id, location=fields.location, field="resource_id"),
        posted_at_derived=True,
        raw_payload=raw,
        content=fields.obj,
        author=None,
        permalink=f"https://x.com/i/web/status/{post_id}",
        platform_state="unavailable",
        stub=True,
        location=fields.location,
    )


# -- account archive ------------------------------------------------------------------------
ARCHIVE_TIME_FORMATS = ("%a %b %d %H:%M:%S %z %Y",)
_ARCHIVE_PREFIX = re.compile(rb"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=\s*(?=\[)")
# The archive's files of posts, by their ``window.YTD`` name: the account's posts
# (``tweet`` in archives before 2022), and the posts it deleted.
_ARCHIVE_POSTS = {"tweets": "visible", "tweet": "visible", "deleted_tweets": "deleted"}
# What the archive's other files hold, to say so when one is given instead.
_ARCHIVE_OTHER_FILES = {
    "like": "likes",
    "direct_messages": "direct messages",
    "direct_messages_group": "group direct messages",
    "direct_message_headers": "direct-message headers",
    "follower": "followers",
    "following": "accounts followed",
    "block": "blocked accounts",
    "mute": "muted accounts",
    "account": "account details",
    "profile": "the profile",
    "note_tweet": "the full text of long posts (the posts themselves are in tweets.js)",
    "tweet_headers": "post ids and times only, without the posts",
    "deleted_tweet_headers": "ids and times of deleted posts only, without the posts",
    "community_tweet": "posts made in X Communities",
    "lists_created": "lists",
    "lists_member": "lists",
    "moment": "moments",
}
_RETWEET = re.compile(r"RT @(\w{1,50}):")


def read_archive(stream, *, site):
    head = stream.read(256)
    match = _ARCHIVE_PREFIX.match(head)
    if match is None:
        raise CaptureError(
            "this is not an X archive tweets file: expected it to start with “window.YTD.tweets.part0 = [”",
            location="line 1",
        )
    name = match.group(1).decode("ascii")
    state = _ARCHIVE_POSTS.get(name)
    if state is None:
        what = _ARCHIVE_OTHER_FILES.get(name, name.replace("_", " "))
        raise CaptureError(
            f"this is the archive's {name.replace('_', '-')}.js (window.YTD.{name}): {what}, not tweets; "
            "import data/tweets.js or data/deleted-tweets.js",
            location="line 1",
        )
    stream.seek(match.end())
    handle = site.handle.lstrip("@")
    for index, obj, raw in json_array_items(
        stream, "", what=f"an X archive {name.replace('_', '-')}.js file"
    ):
        outer = Fields(obj, f"[{index}]")
        fields = outer.child("tweet") if outer.has("tweet") else outer
        post_id = fields.identifier("id_str") if fields.has("id_str") else fields.identifier("id")
        text = fields.body("full_text" if fields.has("full_text") else "text", required=True)
        parent_id = fields.identifier("in_reply_to_status_id_str", required=False) or fields.identifier(
            "in_reply_to_status_id", required=False
        )
        retweet = _RETWEET.match(text)
        if retweet:
            # A repost: the archive keeps it as the account's own post, its text the
            # reposted post's after "RT @name: ", cut short ("…") when long. It is the
            # City's act, not the City's words; the text is kept as given.
            kind = "repost"
            parent_id = _reposted_id(fields, retweet.group(1))
        else:
            kind = "reply" if parent_id else "city_post"
        deleted_at = None
        if state == "deleted":
            deleted_at = fields.timestamp("deleted_at", formats=ARCHIVE_TIME_FORMATS)
        yield CapturedItem(
            platform_item_id=post_id,
            kind=kind,
            text=text,
            posted_at=fields.timestamp("created_at", formats=ARCHIVE_TIME_FORMATS),
            raw_payload=raw,
            content=obj,
            author=None,
            from_city=True,
            parent_platform_item_id=parent_id,
            permalink=f"https://x.com/{handle}/status/{post_id}",
            platform_state=state,
            platform_deleted_at=deleted_at,
            location=fields.location,
        )


def _reposted_id(fields: Fields, screen_name: str) -> str:
    """The reposted post's id, where the archive gives it; "" otherwise.

    The archive keeps no link to the reposted post, except on its media: a photo or video
    carries ``source_status_id_str`` and ``source_user_id_str``, the post and account it
    was first posted with. That is the reposted post when that account is the one reposted
    (``entities.user_mentions``, by the "RT @name" screen name)."""
    user_id = ""
    entities = fields.child("entities")
    if entities is None:
        return ""
    for index, mention in enumerate(entities.array("user_mentions")):
        mention_fields = Fields(mention, f"{entities.location}.user_mentions[{index}]")
        if mention_fields.text("screen_name", required=False).lower() == screen_name.lower():
            user_id = mention_fields.identifier("id_str", required=False) or mention_fields.identifier(
                "id", required=False
            )
            break
    if not user_id:
        return ""
    for key in ("extended_entities", "entities"):
        holder = fields.child(key)
        for index, media in enumerate(holder.array("media") if holder else []):
            media_fields = Fields(media, f"{holder.location}.media[{index}]")
            source_user = media_fields.identifier("source_user_id_str", required=False) or (
                media_fields.identifier("source_user_id", required=False)
            )
            if source_user == user_id:
                return media_fields.identifier("source_status_id_str", required=False) or (
                    media_fields.identifier("source_status_id", required=False)
                )
    return ""

"""What every importer produces, and the checks they share.

An importer reads one file as a stream (``ijson`` for JSON, line by line for JSON Lines
and CSV) and yields ``CapturedItem`` objects, one per post, comment or reply, parsing
the platform's format by field name. A problem raises ``CaptureError`` naming the file,
the item (index or line) and the field; the import service then rolls the whole file
back, so a malformed file imports nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil import parser as date_parser

MAX_ID_LENGTH = 200
MAX_NAME_LENGTH = 500
MAX_URL_LENGTH = 1000
# The text of one item: above the longest any platform allows (Facebook posts 63,206
# characters, X long posts 25,000, YouTube comments 10,000, Instagram 2,200).
MAX_TEXT_LENGTH = 100_000
# JSON nesting: the platforms' own payloads stay under 20 levels (a Graph API post with
# its comments and their replies, an X API response's includes); anything deeper is not
# theirs, and a parser's cost grows with depth, so it is refused before it is built.
MAX_JSON_DEPTH = 64
# One JSON string (any field, not only the text): an item's text is bounded above, and
# no id, URL or name comes near this; a longer string is refused while it is being read.
MAX_JSON_STRING_LENGTH = 1_000_000

# "unavailable": the platform answered that the item exists no longer or cannot be seen
# (an X API "Not Found" or "Authorization" error on a referenced post: deleted, withheld
# or protected), so only its id, and what referenced it, are known.
STATES = ("visible", "hidden", "deleted", "unavailable")
# "repost": a share of another post without words of its own (an X retweet, "RT @…");
# "referenced": a post that a captured item quotes, reposts or replies to, kept so the
# record reads in full, though it was not written on the City's site.
KINDS = ("city_post", "comment", "reply", "repost", "referenced")


class CaptureError(ValueError):
    """A malformed capture: says which file, which item (index or line) and which field."""

    def __init__(self, message: str, *, source: str = "", location: str = "", field: str = "", index=None):
        self.message = message
        self.source = source
        self.location = location
        self.field = field
        self.index = index
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [part for part in (self.source, self.location) if part]
        if self.field:
            parts.append(f'field "{self.field}"')
        parts.append(self.message)
        return ": ".join(parts)

    def with_source(self, source: str) -> CaptureError:
        self.source = source
        self.args = (str(self),)
        return self


@dataclass
class Author:
    platform_user_id: str
    display_name: str = ""
    profile_url: str = ""
    # The account's handle (username), when the platform gives one; used to recognise
    # the City's own account.
    handle: str = ""


@dataclass
class CapturedItem:
    platform_item_id: str
    kind: str
    text: str
    posted_at: datetime
    raw_payload: str
    author: Author | None = None
    parent_platform_item_id: str = ""
    permalink: str = ""
    platform_state: str = "visible"
    from_city: bool | None = None  # None: decided from the author and the site
    location: str = ""
    # The platform gave no time: ``posted_at`` was derived from the item's id (X ids
    # carry their creation time), and the record says so.
    posted_at_derived: bool = False
    # When the platform says the item was deleted (an X archive's deleted-tweets.js).
    platform_deleted_at: datetime | None = None
    # The parsed payload (a dict), when the reader has it: what decides whether a
    # re-capture changed the item (its content), rather than its bytes on disk.
    content: object = None
    # The platform reported the item without giving it (an error on a referenced post):
    # only its state is news; an item already held keeps its text, kind and payload.
    stub: bool = False


def dump_payload(obj) -> str:
    """The platform's object as JSON text, keys in the order received, non-ASCII kept."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def json_kind(value) -> str:
    """What a parsed JSON value is, in words, for an error message."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a number" if isinstance(value, (int, float)) else "null"


class Fields:
    """Reads fields of one parsed item by name, raising CaptureError with its location."""

    def __init__(self, obj, location: str):
        if not isinstance(obj, dict):
            raise CaptureError("expected a JSON object", location=location)
        self.obj = obj
        self.location = location

    def error(self, key: str, message: str) -> CaptureError:
        return CaptureError(message, location=self.location, field=key)

    def has(self, key: str) -> bool:
        return self.obj.get(key) is not None

    def text(
        self, key: str, *, required: bool = True, max_length: int | None = None, default: str = ""
    ) -> str:
        value = self.obj.get(key)
        if value is None:
            if required:
                raise self.error(key, "required field is missing")
            return default
        if type(value) is not str:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.error(key, f"expected text, got {type(value).__name__}")
            value = str(value)
        if "\x00" in value or not value.isascii():
            problem = storable_text_problem(value)
            if problem:
                raise self.error(key, problem)
        if max_length is not None and len(value) > max_length:
            raise self.error(key, f"is longer than {max_length} characters")
        if required and max_length is not None and not value:
            raise self.error(key, "is empty")
        return value

    def body(self, key: str, *, required: bool = False) -> str:
        """An item's text: may be empty, bounded by MAX_TEXT_LENGTH."""
        value = self.text(key, required=required)
        if len(value) > MAX_TEXT_LENGTH:
            raise self.error(
                key, f"is {len(value):,} characters long, more than any platform allows ({MAX_TEXT_LENGTH:,})"
            )
        return value

    def identifier(self, key: str, *, required: bool = True) -> str:
        return self.text(key, required=required, max_length=MAX_ID_LENGTH)

    def url(self, key: str) -> str:
        value = self.text(key, required=False, max_length=MAX_URL_LENGTH)
        if value and not value[:8].lower().startswith(("http://", "https://")):
            raise self.error(key, "is not an http(s) URL")
        return value

    def timestamp(self, key: str, *, required: bool = True, formats: tuple[str, ...] = ()) -> datetime | None:
        value = self.text(key, required=required)
        if not value:
            return None
        return parse_timestamp(value, error=lambda message: self.error(key, message), formats=formats)

    def boolean(self, key: str) -> bool:
        value = self.obj.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error(key, "expected true or false")
        return value

    def child(self, key: str, *, required: bool = False) -> Fields | None:
        value = self.obj.get(key)
        if value is None:
            if required:
                raise self.error(key, "required field is missing")
            return None
        if not isinstance(value, dict):
            raise self.error(key, f"expected a JSON object, got {json_kind(value)}")
        return Fields(value, f"{self.location}.{key}")

    def array(self, key: str) -> list:
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, "expected a list")
        return value


def storable_text_problem(value: str) -> str:
    """Why ``value`` cannot be stored as received (NUL, unpaired surrogate), or ""."""
    if "\x00" in value:
        return "contains a NUL character, which cannot be stored"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired UTF-16 surrogate, which is not valid Unicode"
    return ""


EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_timestamp(value: str, *, error, formats: tuple[str, ...] = ()) -> datetime:
    """An ISO 8601 time with a UTC offset (or one of ``formats``); naive times are refused."""
    parsed = None
    for fmt in formats:
        try:
            parsed = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            # The standard library's parser is fast and reads what the platforms send;
            # dateutil's covers the rest of ISO 8601.
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
    if parsed is None:
        try:
            parsed = date_parser.isoparse(value)
        except (ValueError, OverflowError):
            raise error(f"“{value[:60]}” is not a date and time this importer understands") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise error(f"“{value[:60]}” has no time zone")
    try:
        in_utc = parsed.astimezone(UTC)
    except OverflowError:
        raise error(f"“{value[:60]}” is out of range") from None
    if in_utc < EARLIEST:
        raise error(f"“{value[:60]}” is before 1990, earlier than any social media post")
    if in_utc > datetime.now(UTC) + timedelta(days=1):
        raise error(f"“{value[:60]}” is in the future")
    return parsed


def state_from(value: str, *, error) -> str:
    value = (value or "visible").strip().lower()
    if value not in STATES:
        raise error(f"“{value[:40]}” is not one of {', '.join(STATES)}")
    return value


def kind_from(value: str, *, error) -> str:
    value = value.strip().lower()
    if value not in KINDS:
        raise error(f"“{value[:40]}” is not one of {', '.join(KINDS)}")
    return value

"""The portal's own capture format, for anything the platform importers do not cover.

One item (a JSON object; one per line in JSON Lines, one per element of ``items`` in the
Capture API)::

    {"id": "123",                      required, the platform's id, unique per site
     "text": "…",                      required (may be empty)
     "posted_at": "2026-03-01T12:00:00-06:00",   required, ISO 8601 with a UTC offset
     "kind": "comment",                city_post | comment | reply (default: reply when
                                       parent_id is given, else comment)
     "parent_id": "122",               the parent item's id, if any
     "author": {"id": "u1", "name": "…", "profile_url": "https://…"},
     "permalink": "https://…",
     "state": "visible",               visible | hidden | deleted
     "from_city": false,               written by the City's own account
     "raw_payload": "…"}               the platform's payload as text, stored exactly;
                                       without it, the line (or item) itself is stored

CSV: a header row naming the columns ``id, text, posted_at`` (required) and any of
``kind, parent_id, author_id, author_name, author_profile_url, permalink, state``; one
item per row. The row is stored as its payload (a JSON object of column: cell).
"""

from __future__ import annotations

import csv
import io
import json

from moderation.capture.importers.base import (
    MAX_JSON_DEPTH,
    MAX_JSON_STRING_LENGTH,
    Author,
    CapturedItem,
    CaptureError,
    Fields,
    dump_payload,
    kind_from,
    state_from,
    storable_text_problem,
)
from moderation.capture.importers.raw import check_json_text
from moderation.capture.importers.stream import bounded_lines, text_lines

CSV_REQUIRED = ("id", "text", "posted_at")
CSV_OPTIONAL = ("kind", "parent_id", "author_id", "author_name", "author_profile_url", "permalink", "state")


def item_from_object(obj, *, location: str, raw: str | None = None, content=None) -> CapturedItem:
    """One item of the portal's JSON format; ``raw`` is its text as received, if known, and
    ``content`` what that text parses to (so it is not parsed again to compare captures)."""
    fields = Fields(obj, location)
    item_id = fields.identifier("id")
    parent_id = fields.identifier("parent_id", required=False)
    kind = fields.text("kind", required=False)
    kind = (
        kind_from(kind, error=lambda m: fields.error("kind", m))
        if kind
        else ("reply" if parent_id else "comment")
    )
    author = None
    who = fields.child("author")
    if who is not None:
        author = Author(
            platform_user_id=who.identifier("id"),
            display_name=who.text("name", required=False, max_length=500),
            profile_url=who.url("profile_url"),
            handle=who.text("handle", required=False, max_length=500),
        )
    from_city = fields.obj.get("from_city")
    if from_city is not None and not isinstance(from_city, bool):
        raise fields.error("from_city", "expected true or false")
    raw_payload = fields.text("raw_payload", required=False)
    if raw_payload:
        content = None  # the platform's own payload: its content is read from it
    else:
        raw_payload = raw if raw is not None else dump_payload(obj)
        if raw is None:
            content = obj
        problem = storable_text_problem(raw_payload)
        if problem:
            raise CaptureError(f"the item {problem}", location=location)
    return CapturedItem(
        platform_item_id=item_id,
        kind=kind,
        text=fields.body("text", required=True),
        posted_at=fields.timestamp("posted_at"),
        raw_payload=raw_payload,
        author=author,
        parent_platform_item_id=parent_id,
        permalink=fields.url("permalink"),
        platform_state=state_from(
            fields.text("state", required=False), error=lambda m: fields.error("state", m)
        ),
        from_city=from_city,
        location=location,
        content=content,
    )


def read_jsonl(stream, *, site):
    for number, line in text_lines(stream):
        location = f"line {number}"
        # json.loads recurses per level of nesting and builds every string whole: a line
        # that could be nested too deep or hold too long a string is first read by the
        # linear check. Counting brackets and length is enough to know most lines cannot.
        if len(line) > MAX_JSON_STRING_LENGTH or line.count("{") + line.count("[") > MAX_JSON_DEPTH:
            try:
                check_json_text(line)
            except CaptureError as exc:
                where = f"{location}, {exc.location}" if exc.location else location
                raise CaptureError(exc.message, location=where, field=exc.field) from None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaptureError(
                f"not valid JSON: {exc.msg} at column {exc.colno}", location=location
            ) from None
        except ValueError as exc:
            # A number too long to convert (Python refuses integers over 4,300 digits).
            raise CaptureError(f"not valid JSON: {exc}", location=location) from None
        yield item_from_object(obj, location=location, raw=line, content=obj)


def read_csv(stream, *, site):
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    lines = _Lines(text)
    reader = csv.DictReader(lines, strict=True)
    try:
        header = reader.fieldnames or []
        missing = [name for name in CSV_REQUIRED if name not in header]
        if missing:
            raise CaptureError(
                f"the header row lacks the column(s) {', '.join(missing)}",
                location="line 1",
                field=missing[0],
            )
        for row in reader:
            location = f"line {reader.line_num}"
            if None in row:
                raise CaptureError("has more cells than the header row", location=location)
            obj = {key: value for key, value in row.items() if key in CSV_REQUIRED + CSV_OPTIONAL}
            if obj.get("author_id"):
                obj["author"] = {
                    "id": obj.pop("author_id"),
                    "name": obj.pop("author_name", ""),
                    "profile_url": obj.pop("author_profile_url", ""),
                }
            obj = {key: value for key, value in obj.items() if value != "" or key in CSV_REQUIRED}
            yield item_from_object(obj, location=location, raw=dump_payload(row), content=row)
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = (
                f"a cell is longer than {csv.field_size_limit():,} characters, more than any item's text"
            )
        # The line csv was reading: its own count only moves on once a line is done.
        raise CaptureError(f"not valid CSV: {message}", location=f"line {lines.number}") from None
    except UnicodeDecodeError as exc:
        raise CaptureError(f"not UTF-8 text: {exc}", location=f"line {lines.number + 1}") from None


class _Lines:
    """The lines of a text file for csv, each refused (not read whole) when longer than an
    item could be: csv would otherwise read a line of any length before its cell limit
    applies. ``number`` is the line being read, for errors."""

    def __init__(self, text):
        self.number = 0
        self._lines = bounded_lines(text)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        self.number, line = next(self._lines)
        return line

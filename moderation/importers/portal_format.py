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

from moderation.importers.base import (
    Author,
    CapturedItem,
    CaptureError,
    Fields,
    dump_payload,
    kind_from,
    state_from,
    storable_text_problem,
)
from moderation.importers.stream import text_lines

CSV_REQUIRED = ("id", "text", "posted_at")
CSV_OPTIONAL = ("kind", "parent_id", "author_id", "author_name", "author_profile_url", "permalink", "state")


def item_from_object(obj, *, location: str, raw: str | None = None) -> CapturedItem:
    """One item of the portal's JSON format; ``raw`` is its text as received, if known."""
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
    if not raw_payload:
        raw_payload = raw if raw is not None else dump_payload(obj)
        problem = storable_text_problem(raw_payload)
        if problem:
            raise CaptureError(f"the item {problem}", location=location)
    return CapturedItem(
        platform_item_id=item_id,
        kind=kind,
        text=fields.text("text"),
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
    )


def read_jsonl(stream, *, site):
    for number, line in text_lines(stream):
        location = f"line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaptureError(
                f"not valid JSON: {exc.msg} at column {exc.colno}", location=location
            ) from None
        yield item_from_object(obj, location=location, raw=line)


def read_csv(stream, *, site):
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.DictReader(text, strict=True)
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
            yield item_from_object(obj, location=location, raw=dump_payload(row))
    except csv.Error as exc:
        raise CaptureError(f"not valid CSV: {exc}", location=f"line {reader.line_num}") from None
    except UnicodeDecodeError as exc:
        raise CaptureError(f"not UTF-8 text: {exc}", location=f"line {reader.line_num + 1}") from None

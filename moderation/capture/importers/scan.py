"""Exact text and parsed value of JSON members and elements, with the standard library's
scanner: ``raw_decode`` parses each value at C speed and says where it ends, so walking
the outer levels of a document gives every item's text, byte for byte, and its parsed
object in one pass, with nothing rescanned. Used where a whole document (one X API
response, one Instagram lookup) is already in memory, bounded by its reader.

A value nested deeper than the interpreter's recursion limit raises RecursionError; the
caller says what that means for its format.
"""

from __future__ import annotations

import json
import re

from moderation.capture.importers.base import CaptureError

_SPACE = re.compile(r"[ \t\n\r]*")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def skip(text: str, position: int) -> int:
    """The position after any white space at ``position``."""
    return _SPACE.match(text, position).end()


def value(text: str, position: int):
    """``(parsed value, end)`` of the JSON value at ``position``; JSONDecodeError if invalid."""
    try:
        return _DECODER.raw_decode(text, position)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(exc), text, position) from None


def members(text: str, position: int, member, *, location: str, unique: bool = True) -> int:
    """Walk the object at ``position``; ``member(key, at)`` reads each value and returns its
    end. With ``unique``, a key given twice is refused (one of the two would be left out of
    what is parsed)."""
    position = skip(text, position + 1)
    if text.startswith("}", position):
        return position + 1
    keys = set()
    while True:
        if not text.startswith('"', position):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, position)
        key, position = value(text, position)
        if unique and key in keys:
            raise CaptureError(f"the member “{key[:40]}” is given twice", location=location)
        keys.add(key)
        position = skip(text, position)
        if not text.startswith(":", position):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, position)
        position = skip(text, member(key, skip(text, position + 1)))
        if text.startswith(",", position):
            position = skip(text, position + 1)
        elif text.startswith("}", position):
            return position + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)


def elements(text: str, position: int, found: list) -> int:
    """Append ``(parsed, exact text)`` for each element of the array at ``position``."""
    position = skip(text, position + 1)
    if text.startswith("]", position):
        return position + 1
    while True:
        parsed, end = value(text, position)
        found.append((parsed, text[position:end]))
        position = skip(text, end)
        if text.startswith(",", position):
            position = skip(text, position + 1)
        elif text.startswith("]", position):
            return position + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)

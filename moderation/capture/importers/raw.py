"""The exact text of JSON objects, as received, next to ijson's parsed objects.

ijson parses the stream; it does not say where in the text an object was. ``RawSpans``
reads the same bytes (``TeeReader`` hands it every chunk ijson reads) and cuts out the
text of each object at a path, so the stored payload is the platform's own text, byte
for byte, and its SHA-256 can be checked against the file. It only follows the JSON
structure (brackets, strings, keys); ijson remains the parser that validates. Memory
holds the object being read and no more.

Because it sees every chunk before ijson does, it is also where hostile input is refused
before a parser pays for it: nesting deeper than ``MAX_JSON_DEPTH`` (ijson keeps a path
per level, so its cost grows with the square of the depth), a string longer than
``MAX_JSON_STRING_LENGTH``, a number or word longer than ``MAX_TOKEN_LENGTH`` and an item
longer than ``MAX_ITEM_LENGTH``. Each chunk is read once: the state between chunks (inside
a string, after a backslash, the key being read) is kept, never found again by rescanning.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import deque

from moderation.capture.importers.base import MAX_JSON_DEPTH, MAX_JSON_STRING_LENGTH, CaptureError

_SIGNIFICANT = re.compile(r'[\[\]{}",:]')
# The rest of a string's body: everything up to its closing quote, escapes skipped.
# Stops before a backslash that is the last character of the piece.
_STRING_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.S)
ANY = "*"  # any index of an array, in a target path

MiB = 1024 * 1024
# One item as written in the file (a post with its nested comments, a JSON Lines line):
# the largest a platform sends is a page of nested comments, well under this.
MAX_ITEM_LENGTH = 16 * MiB
# A number, true, false or null: platforms' longest are ids of about 20 digits.
MAX_TOKEN_LENGTH = 1000
# Levels of a path named in an error message; deeper ones are elided.
_PATH_LEVELS = 8
_NOT_A_PLATFORM_FILE = "not a platform's file"


class RawSpans:
    """Fed text in pieces, collects the exact text of every object whose path is ``target``.

    ``target`` is a tuple of keys and ``ANY`` for array elements: ``("data", ANY)`` are the
    elements of the top-level ``data`` array, ``("snippet", "topLevelComment")`` one object;
    None collects nothing (the bounds are still checked). ``container_seen`` tells, for a
    target ending in ``ANY``, whether the array holding the elements was there at all.
    """

    def __init__(self, target: tuple | None, *, max_item_length: int = MAX_ITEM_LENGTH):
        self.target = target
        self.max_item_length = max_item_length
        self.stack: list[list] = []  # [kind "{" or "[", key or index, expecting a key]
        self.found: deque[str] = deque()
        self.container_seen = False
        self._container = target[:-1] if target and target[-1] == ANY else None
        # Keys are needed to match the target, and a few levels more to say where an error is.
        self._key_levels = max(len(target or ()), _PATH_LEVELS)
        self._offset = 0  # characters fed before the current piece
        self._in_string = False
        self._escape = False  # the last piece ended just after a backslash inside a string
        self._string_length = 0
        self._key: list[str] | None = None  # the pieces of the key being read, if one is
        self._token_run = 0  # length of a number or word the last piece ended inside
        self._capture: list[str] | None = None  # the pieces of the object being captured
        self._item_start: int | None = None  # offset where the value at ``target`` began
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed_bytes(self, data: bytes, final: bool = False) -> None:
        self.feed(self._decoder.decode(data, final))

    def feed(self, text: str) -> None:
        pos, end = 0, len(text)
        capture_from = 0
        while pos < end:
            if self._in_string:
                pos = self._string(text, pos)
                continue
            match = _SIGNIFICANT.search(text, pos)
            at = match.start() if match is not None else end
            if match is None or self._token_run or at - pos > MAX_TOKEN_LENGTH:
                self._bare(text, pos, at, piece_ends=match is None)
            if match is None:
                break
            char = text[at]
            pos = at + 1
            if char == '"':
                self._in_string = True
                self._string_length = 0
                frame = self.stack[-1] if self.stack else None
                reading_key = frame is not None and frame[0] == "{" and frame[2]
                self._key = [] if reading_key and len(self.stack) <= self._key_levels else None
            elif char in "{[":
                if len(self.stack) >= MAX_JSON_DEPTH:
                    raise self._error(f"nesting deeper than {MAX_JSON_DEPTH} levels: {_NOT_A_PLATFORM_FILE}")
                if self.target is not None and self._item_start is None and self._at(self.target):
                    self._item_start = self._offset + at
                    if char == "{":
                        self._capture = []
                        capture_from = at
                if char == "[" and self._container is not None and self._at(self._container):
                    self.container_seen = True
                self.stack.append([char, 0 if char == "[" else None, char == "{"])
            elif char in "}]":
                if self.stack:
                    self.stack.pop()
                if self._item_start is not None and len(self.stack) == len(self.target):
                    self._item_start = None
                    if self._capture is not None:
                        self._capture.append(text[capture_from : at + 1])
                        self.found.append("".join(self._capture))
                        self._capture = None
            elif char == ":":
                if self.stack and self.stack[-1][0] == "{":
                    self.stack[-1][2] = False
            elif self.stack:  # ","
                frame = self.stack[-1]
                if frame[0] == "[":
                    frame[1] += 1
                else:
                    frame[2] = True
        if self._capture is not None:
            self._capture.append(text[capture_from:])
        self._offset += end
        if self._item_start is not None and self._offset - self._item_start > self.max_item_length:
            raise self._error(
                f"is longer than {self.max_item_length / MiB:g} MiB, more than any platform sends "
                "in one item",
                levels=len(self.target),
            )

    def _string(self, text: str, pos: int) -> int:
        """Reads on in a string from ``pos``; returns where to go on after it (or the end)."""
        start, end = pos, len(text)
        if self._escape:
            self._escape = False
            pos += 1
        # Never look further than the string may still go: a huge one costs no more.
        stop = min(end, start + MAX_JSON_STRING_LENGTH - self._string_length + 1)
        body_end = _STRING_BODY.match(text, pos, stop).end()
        closed = body_end < stop and text[body_end] == '"'
        if not closed:
            if stop < end:
                body_end = stop  # it goes on past its bound
            else:
                self._escape = body_end < end  # a backslash ends the piece
                body_end = end
        self._string_length += body_end - start
        if self._string_length > MAX_JSON_STRING_LENGTH:
            what = "a key" if self._key is not None else "text"
            raise self._error(
                f"{what} longer than {MAX_JSON_STRING_LENGTH:,} characters, more than any platform sends"
            )
        if self._key is not None:
            self._key.append(text[start:body_end])
        if not closed:
            return end
        self._in_string = False
        if self._key is not None:
            self.stack[-1][1] = _key_text("".join(self._key))
            self._key = None
        return body_end + 1

    def _bare(self, text: str, start: int, end: int, *, piece_ends: bool) -> None:
        """Checks the numbers and words between ``start`` and ``end``, outside strings."""
        segment = text[start:end]
        lengths = [len(word) for word in segment.split()]
        continues = self._token_run and not segment[:1].isspace()
        if lengths and continues:
            lengths[0] += self._token_run
        if max(lengths, default=self._token_run if continues else 0) > MAX_TOKEN_LENGTH:
            raise self._error(
                f"a number or word longer than {MAX_TOKEN_LENGTH:,} characters: {_NOT_A_PLATFORM_FILE}"
            )
        if not piece_ends or segment[-1:].isspace():
            self._token_run = 0
        elif segment:
            self._token_run = lengths[-1]

    def _at(self, path: tuple) -> bool:
        if len(self.stack) != len(path):
            return False
        for frame, wanted in zip(self.stack, path, strict=True):
            if wanted == ANY:
                if frame[0] != "[":
                    return False
            elif frame[0] != "{" or frame[1] != wanted:
                return False
        return True

    def _error(self, message: str, *, levels: int | None = None) -> CaptureError:
        """A CaptureError naming where the reader is: the path, the innermost key as field."""
        frames = self.stack if levels is None else self.stack[:levels]
        field = ""
        if levels is None and frames and frames[-1][0] == "{" and not frames[-1][2] and frames[-1][1]:
            field = _shown(frames[-1][1])
            frames = frames[:-1]
        parts = []
        for kind, key, expecting_key in frames[:_PATH_LEVELS]:
            if kind == "[":
                parts.append(f"[{key}]")
            elif not expecting_key:  # (when it is, the error is in the key itself)
                parts.append(f".{_shown(key) if key is not None else '…'}")
        if len(frames) > _PATH_LEVELS:
            parts.append("…")
        location = "".join(parts).lstrip(".")
        return CaptureError(message, location=location, field=field)


def _key_text(raw: str) -> str:
    if "\\" not in raw:
        return raw
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw  # not valid JSON: ijson, reading the same text, says so


def _shown(key: str) -> str:
    return key if len(key) <= 40 else key[:40] + "…"


def raw_objects(text: str, target: tuple) -> list[str]:
    """The exact text of the objects at ``target`` inside ``text`` (a whole JSON value)."""
    spans = RawSpans(target)
    spans.feed(text)
    return list(spans.found)


def check_json_text(text: str) -> None:
    """Raises CaptureError if ``text`` (a whole JSON value) is nested too deep, or holds a
    string or number too long, before a parser is given it."""
    RawSpans(None, max_item_length=len(text)).feed(text)


class TeeReader:
    """A binary file for ijson that also hands each chunk read to a ``RawSpans``.

    The spans see each chunk before ijson does, so their CaptureError (too deep, too long)
    stops the parser at once; ijson's C backend passes it through unchanged."""

    def __init__(self, stream, spans: RawSpans):
        self.stream = stream
        self.spans = spans

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if size != 0:
            self.spans.feed_bytes(data, final=not data)
        return data

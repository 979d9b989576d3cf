"""The exact text of JSON objects, as received, next to ijson's parsed objects.

ijson parses the stream; it does not say where in the text an object was. ``RawSpans``
reads the same bytes (``TeeReader`` hands it every chunk ijson reads) and cuts out the
text of each object at a path, so the stored payload is the platform's own text, byte
for byte, and its SHA-256 can be checked against the file. It only follows the JSON
structure (brackets, strings, keys); ijson remains the parser that validates. Memory
holds the object being read and no more.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import deque

_SIGNIFICANT = re.compile(r'[\[\]{}",:]')
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*"', re.S)
ANY = "*"  # any index of an array, in a target path


class RawSpans:
    """Fed text in pieces, collects the exact text of every object whose path is ``target``.

    ``target`` is a tuple of keys and ``ANY`` for array elements: ``("data", ANY)`` are the
    elements of the top-level ``data`` array, ``("snippet", "topLevelComment")`` one object.
    """

    def __init__(self, target: tuple):
        self.target = target
        self.buf = ""
        self.pos = 0
        self.stack: list[list] = []  # [kind "{" or "[", key or index, expecting a key]
        self.capture_start: int | None = None
        self.capture_depth = 0
        self.found: deque[str] = deque()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed_bytes(self, data: bytes, final: bool = False) -> None:
        self.feed(self._decoder.decode(data, final))

    def feed(self, text: str) -> None:
        self.buf += text
        self._scan()
        # Forget what is behind us, except the object being captured.
        keep = self.capture_start if self.capture_start is not None else self.pos
        if keep:
            self.buf = self.buf[keep:]
            self.pos -= keep
            if self.capture_start is not None:
                self.capture_start = 0

    def _path_matches(self) -> bool:
        if len(self.stack) != len(self.target):
            return False
        for frame, wanted in zip(self.stack, self.target, strict=True):
            if wanted == ANY:
                if frame[0] != "[":
                    return False
            elif frame[0] != "{" or frame[1] != wanted:
                return False
        return True

    def _scan(self) -> None:
        buf = self.buf
        while True:
            match = _SIGNIFICANT.search(buf, self.pos)
            if match is None:
                self.pos = len(buf)
                return
            at = match.start()
            char = buf[at]
            if char == '"':
                end = _STRING_BODY.match(buf, at + 1)
                if end is None:
                    self.pos = at  # the string goes on in the next piece
                    return
                frame = self.stack[-1] if self.stack else None
                if frame is not None and frame[0] == "{" and frame[2]:
                    frame[1] = json.loads(buf[at : end.end()])
                self.pos = end.end()
                continue
            self.pos = at + 1
            if char in "{[":
                if self.capture_start is None and char == "{" and self._path_matches():
                    self.capture_start = at
                    self.capture_depth = len(self.stack)
                self.stack.append([char, 0 if char == "[" else None, char == "{"])
            elif char in "}]":
                if self.stack:
                    self.stack.pop()
                if self.capture_start is not None and len(self.stack) == self.capture_depth:
                    self.found.append(buf[self.capture_start : at + 1])
                    self.capture_start = None
            elif char == ":":
                if self.stack and self.stack[-1][0] == "{":
                    self.stack[-1][2] = False
            elif char == ",":
                if self.stack:
                    frame = self.stack[-1]
                    if frame[0] == "[":
                        frame[1] += 1
                    else:
                        frame[2] = True


def raw_objects(text: str, target: tuple) -> list[str]:
    """The exact text of the objects at ``target`` inside ``text`` (a whole JSON value)."""
    spans = RawSpans(target)
    spans.feed(text)
    return list(spans.found)


class TeeReader:
    """A binary file for ijson that also hands each chunk read to a ``RawSpans``."""

    def __init__(self, stream, spans: RawSpans):
        self.stream = stream
        self.spans = spans

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.spans.feed_bytes(data, final=not data)
        return data

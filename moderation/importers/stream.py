"""Streaming readers: one item at a time, whatever the file size."""

from __future__ import annotations

import io

import ijson

from moderation.importers.base import CaptureError
from moderation.importers.raw import ANY, RawSpans, TeeReader


def json_array_items(stream, prefix: str, *, what: str):
    """Yield ``(index, object, raw)`` for each element of the array at ``prefix`` ("data").

    ``raw`` is the element's exact text in the file (None for an element that is not an
    object). ``stream`` is a binary file positioned at the start of the JSON text. A file
    without that array (a wrong wrapper) and invalid JSON raise CaptureError.
    """
    index = -1
    start = stream.tell() if stream.seekable() else None
    spans = RawSpans((*prefix.split("."), ANY) if prefix else (ANY,))
    try:
        items = ijson.items(TeeReader(stream, spans), f"{prefix}.item" if prefix else "item", use_float=True)
        for index, obj in enumerate(items):
            raw = None
            if isinstance(obj, dict):
                if not spans.found:
                    raise CaptureError(
                        f"the text of {prefix or 'item'}[{index}] could not be cut out exactly"
                    )
                raw = spans.found.popleft()
            yield index, obj, raw
    except ijson.JSONError as exc:
        where = f"after {prefix or 'item'}[{index}]" if index >= 0 else "before the first item"
        raise CaptureError(f"not valid JSON ({where}): {json_error_text(exc)}") from None
    except UnicodeDecodeError as exc:
        raise CaptureError(f"not UTF-8 text: {exc}") from None
    if index == -1 and start is not None:
        # Nothing at the prefix: an empty array is fine, a missing one is the wrong format.
        stream.seek(start)
        if not _has_array(stream, prefix):
            where = f"a top-level object with a “{prefix}” array" if prefix else "a top-level array"
            raise CaptureError(f"this is not {what}: expected {where}")


def json_error_text(exc: Exception) -> str:
    """The parser's message on one line.

    yajl's message is three lines: the error, the text around it, and a caret drawing
    ("(right here) ------^"); shown in a web page or a log it is a jumble. Keep the error
    and quote the text around it.
    """
    lines = [line.strip() for line in str(exc).splitlines()]
    lines = [line for line in lines if line and "(right here)" not in line]
    if not lines:
        return "the file ends or breaks off unexpectedly"
    message = lines[0].rstrip(".")
    near = " ".join(" ".join(lines[1:]).split())
    return f"{message}, near “{near}”" if near else message


def _has_array(stream, prefix: str) -> bool:
    try:
        for path, event, _value in ijson.parse(stream):
            if path == prefix and event == "start_array":
                return True
    except ijson.JSONError as exc:
        raise CaptureError(f"not valid JSON: {json_error_text(exc)}") from None
    return False


def text_lines(stream):
    """Yield ``(line_number, text)`` for each non-blank line of a UTF-8 byte stream."""
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CaptureError(f"not UTF-8 text: {exc}", location=f"line {number}") from None
        line = line.rstrip("\r\n")
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if line.strip():
            yield number, line


UTF8_BOM = b"\xef\xbb\xbf"


class WithoutBom(io.RawIOBase):
    """A seekable binary file seen without its UTF-8 byte-order mark, if it starts with one.

    Windows tools save JSON and archive files with a BOM; every format is read through
    this, so no reader has to know. ``seek(0)`` goes back to just after the mark."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        start = stream.tell()
        self.offset = start + (len(UTF8_BOM) if stream.read(len(UTF8_BOM)) == UTF8_BOM else 0)
        stream.seek(self.offset)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self.stream.readline(size)

    def seek(self, position: int, whence: int = 0) -> int:
        if whence == 0:
            position += self.offset
        return self.stream.seek(position, whence) - self.offset

    def tell(self) -> int:
        return self.stream.tell() - self.offset

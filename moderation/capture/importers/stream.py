"""Streaming readers: one item at a time, whatever the file size."""

from __future__ import annotations

import io

import ijson

from moderation.capture.importers.base import CaptureError, Fields
from moderation.capture.importers.raw import ANY, MAX_ITEM_LENGTH, MiB, RawSpans, TeeReader, raw_objects


def json_array_items(stream, prefix: str, *, what: str, required: bool = True):
    """Yield ``(index, object, raw)`` for each element of the array at ``prefix`` ("data").

    ``raw`` is the element's exact text in the file (None for an element that is not an
    object). ``stream`` is a binary file positioned at the start of the JSON text. A file
    without that array (a wrong wrapper, unless ``required`` is False), invalid JSON and
    hostile JSON (see ``raw``: too deep, too long) raise CaptureError.
    """
    index = -1
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
    # The spans saw the whole text, so they know whether the array was there: a second
    # pass of a parser over the file is not needed (nor its cost on a hostile one).
    if index == -1 and required and not spans.container_seen:
        where = f"a top-level object with a “{prefix}” array" if prefix else "a top-level array"
        raise CaptureError(f"this is not {what}: expected {where}")


def checked(stream):
    """``stream`` as a binary file for any ijson call of one's own (``ijson.parse``,
    ``ijson.items`` at another path): nesting too deep, strings, numbers or items too long
    raise CaptureError before the parser pays for them."""
    return TeeReader(stream, RawSpans(None))


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


def bounded_lines(readable, *, max_length: int = MAX_ITEM_LENGTH):
    """Yield ``(line_number, line)`` for each line of a binary or text file.

    A line longer than ``max_length`` is refused without being read whole: it is longer
    than any item, and reading it would hold all of it in memory."""
    number = 0
    while line := readable.readline(max_length + 1):
        number += 1
        if len(line) > max_length and line[-1:] not in ("\n", "\r", b"\n", b"\r"):
            raise CaptureError(
                f"the line is longer than {max_length // MiB} MiB, more than any platform sends in one item",
                location=f"line {number}",
            )
        yield number, line


def text_lines(stream, *, max_length: int = MAX_ITEM_LENGTH):
    """Yield ``(line_number, text)`` for each non-blank line of a UTF-8 byte stream (read
    through ``WithoutBom``, so a byte-order mark is already gone)."""
    for number, raw in bounded_lines(stream, max_length=max_length):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CaptureError(f"not UTF-8 text: {exc}", location=f"line {number}") from None
        line = line.rstrip("\r\n")
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


def nested_items(fields: Fields, raw: str | None, key: str, array: str):
    """Yield ``(Fields, exact text)`` for each element of ``fields[key][array]``: the
    replies a platform nests in a comment (``comments.data``, ``replies.data``,
    ``replies.comments``), each with its own text cut out of the parent's, byte for byte
    (None when it cannot be cut out exactly: the writer then stores the parsed object)."""
    container = fields.child(key)
    if container is None:
        return
    objects = container.array(array)
    texts = raw_objects(raw, (key, array, ANY)) if raw is not None else []
    for index, obj in enumerate(objects):
        text = texts[index] if len(texts) == len(objects) else None
        yield Fields(obj, f"{container.location}.{array}[{index}]"), text

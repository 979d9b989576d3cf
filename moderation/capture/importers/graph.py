"""What Facebook and Instagram files share: the Meta Graph API's response shapes.

A Graph API listing is ``{"data": [...], "paging": {"cursors": …, "next": URL, "previous": URL}}``;
which edge it came from (``/{post-id}/comments``, ``/{page-id}/posts``, ``/{media-id}/comments``)
is not in the items but in the paging URLs, which usually come after them. ``survey`` reads
the file once, without building it, for that and for the shape of the top level, so the
reader knows what it holds before the second, item by item, pass. Memory holds one
string and the current path; the stream is read through ``stream.checked``, so nesting too
deep and strings too long are refused as they are met, before the parser pays for them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import ijson

from moderation.capture.importers.base import MAX_JSON_DEPTH, CaptureError, json_kind
from moderation.capture.importers.stream import checked, json_error_text

# A path segment of a Graph API URL that is an API version, not a node.
_VERSION = re.compile(r"^v\d+(\.\d+)?$")
# Keys of the top-level object kept for the error message of an unknown shape.
_KEYS_SHOWN = 8
_READ_SIZE = 1024 * 1024


@dataclass
class Survey:
    top: str = ""  # "an object", "a list", "text", ... (json_kind's words)
    top_keys: list[str] = field(default_factory=list)  # the first few, for messages
    top_key_count: int = 0
    top_object_values: int = 0  # values of top-level keys that are objects
    top_keys_numeric: bool = True  # every top-level key is a number (an ?ids= lookup's are ids)
    has_data_array: bool = False
    has_id: bool = False  # a top-level "id" (one object, not a listing)
    error_message: str = ""  # a Graph API error response's message
    item_keys: set[str] = field(default_factory=set)  # watched keys seen on data[] items
    paging: dict[str, str] = field(default_factory=dict)  # "next"/"previous" URLs

    @property
    def edge(self) -> tuple[str, str]:
        """``(object id, edge)`` named by the paging URLs, or ("", "")."""
        for name in ("next", "previous"):
            found = graph_edge(self.paging.get(name, ""))
            if found[1]:
                return found
        return "", ""

    def describe(self) -> str:
        if self.top != "an object":
            return self.top or "empty"
        if not self.top_key_count:
            return "an empty object"
        keys = ", ".join(f"“{key[:40]}”" for key in self.top_keys)
        more = (
            f" and {self.top_key_count - len(self.top_keys)} more"
            if self.top_key_count > len(self.top_keys)
            else ""
        )
        return f"an object with the keys {keys}{more}"


def survey(stream, *, watch: frozenset[str] = frozenset()) -> Survey:
    """Read the whole JSON text once for its shape; the stream is left where it ended.

    Invalid JSON is reported as the item-by-item reader reports it (after which item of
    ``data``), so the message does not depend on which pass met it first."""
    result = Survey()
    items_done = 0
    # One frame per open container: [kind "{" or "[", current key].
    stack: list[list] = []
    in_error = False
    try:
        # Large reads: the parser rescans a string that spans reads from its start at every
        # read, so the fewer reads a long string spans, the less that costs.
        for event, value in ijson.basic_parse(checked(stream), buf_size=_READ_SIZE, use_float=True):
            depth = len(stack)
            if event == "map_key":
                stack[-1][1] = value
                if depth == 1:
                    result.top_key_count += 1
                    if len(result.top_keys) < _KEYS_SHOWN:
                        result.top_keys.append(value)
                    if value == "id":
                        result.has_id = True
                    if not value.isdigit():
                        result.top_keys_numeric = False
                elif depth == 3 and value in watch and _in_data_item(stack):
                    result.item_keys.add(value)
                continue
            if event in ("start_map", "start_array"):
                if depth >= MAX_JSON_DEPTH:
                    raise CaptureError(
                        f"nested more than {MAX_JSON_DEPTH} levels deep, deeper than any platform sends"
                    )
                if depth == 0:
                    result.top = "an object" if event == "start_map" else "a list"
                elif depth == 1 and stack[0][0] == "{":
                    if event == "start_map":
                        result.top_object_values += 1
                        in_error = stack[0][1] == "error"
                    elif stack[0][1] == "data":
                        result.has_data_array = True
                stack.append(["{" if event == "start_map" else "[", None])
                continue
            if event in ("end_map", "end_array"):
                stack.pop()
                if len(stack) == 2 and stack[0][1] == "data" and stack[1][0] == "[":
                    items_done += 1
                continue
            # A scalar value.
            if depth == 0:
                result.top = json_kind(value)
            elif depth == 2 and isinstance(value, str):
                outer, inner = stack[0][1], stack[1][1]
                if outer == "paging" and inner in ("next", "previous") and stack[1][0] == "{":
                    result.paging[inner] = value
                elif in_error and outer == "error" and inner == "message":
                    result.error_message = value
    except ijson.JSONError as exc:
        where = f"after data[{items_done - 1}]" if items_done else "before the first item"
        raise CaptureError(f"not valid JSON ({where}): {json_error_text(exc)}") from None
    except UnicodeDecodeError as exc:
        raise CaptureError(f"not UTF-8 text: {exc}") from None
    if result.error_message or (result.top_keys == ["error"] and result.top_key_count == 1):
        raise CaptureError(
            f"this is a Graph API error response, not data: “{(result.error_message or 'no message')[:300]}”"
        )
    return result


def _in_data_item(stack: list[list]) -> bool:
    return stack[0][0] == "{" and stack[0][1] == "data" and stack[1][0] == "[" and stack[2][0] == "{"


def graph_edge(url: str) -> tuple[str, str]:
    """``(object id, edge)`` of a Graph API URL: ``…/v11.0/19292868552_1015…/comments?…``.

    What precedes the API version is the server's (a proxy's or a test server's prefix)."""
    if not url:
        return "", ""
    try:
        parts = [part for part in urlsplit(url).path.split("/") if part]
    except ValueError:
        return "", ""
    versions = [index for index, part in enumerate(parts) if _VERSION.match(part)]
    if versions:
        parts = parts[versions[0] + 1 :]
    if len(parts) != 2:
        return "", ""
    return parts[0], parts[1]


def whole_object(stream, *, limit: int, what: str) -> tuple[str, object, int, int]:
    """A file that is one JSON value (not a listing), read whole: (text, value, start, end).

    Only small files have this shape (one comment, a lookup of at most 50 ids), so the
    file is read into memory, bounded by ``limit``."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise CaptureError(
            f"{what} larger than {limit // (1024 * 1024)} MiB: no response of this shape is that large; "
            "export the listing (with its “data” array) instead"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaptureError(f"not UTF-8 text: {exc}") from None
    start = len(text) - len(text.lstrip())
    try:
        obj, end = json.JSONDecoder().raw_decode(text, start)
    except (ValueError, RecursionError) as exc:
        raise CaptureError(f"not valid JSON: {exc}") from None
    return text, obj, start, end

"""What makes two captures of an item the same item: its content, not its bytes.

A payload is kept byte for byte as received (``payload_sha256`` proves it), but whether a
re-capture *changed* the item is decided on its content: the JSON parsed and written
canonically (keys sorted, no spacing, line endings inside strings as ``\\n``). The same
file saved again with CRLF line endings, other indentation or keys in another order is
the same content, so no new version is recorded. A payload that is not JSON (the Capture
API accepts any text) is compared as text with its line endings made ``\\n``.
"""

from __future__ import annotations

import hashlib
import json

_NOT_JSON = object()
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def content_sha256(raw_payload: str, content=_NOT_JSON) -> str:
    """SHA-256 of the canonical content; ``content`` is the parsed payload if known."""
    if content is _NOT_JSON or content is None:
        try:
            content = json.loads(raw_payload)
        except (ValueError, RecursionError):
            text = raw_payload.replace("\r\n", "\n").replace("\r", "\n")
            return hashlib.sha256(b"text:" + text.encode("utf-8", "surrogatepass")).hexdigest()
    # No circular check: parsed JSON cannot hold a cycle, and the check costs a third.
    canonical = _CANONICAL.encode(content)
    if "\\r" in canonical:
        canonical = _CANONICAL.encode(_newlines(content))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _newlines(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, dict):
        return {_newlines(key): _newlines(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_newlines(item) for item in value]
    return value

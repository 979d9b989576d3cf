"""Public pages that hold a crowd: change tokens, HTTP validators and the shared caches.

What changes a public page is data in a few tables. A database trigger on each of them (installed
by the migrations with ``install_change_triggers``) writes a new random token for the page's
*topic* into ``portal.PublicChange`` in the same transaction as the change, whatever made it: a
service, the admin site, the retention purge, raw SQL. The token is committed with the change,
so the first request after the commit sees it; nothing has to remember to invalidate anything.

A public page (``public_page``) then reads one row per topic and:

- builds its ``ETag`` from the tokens, the page's variant (a year, today's date) and the release
  of the code (templates and static files), and ``Last-Modified`` from when the data changed;
  a conditional request (``If-None-Match`` / ``If-Modified-Since``) is answered 304 at once,
  without computing anything;
- for an anonymous visitor (no session or messages cookie), serves the rendered page from the
  shared cache under that ETag, or renders it once and stores it there, and says
  ``Cache-Control: public, max-age=…, stale-while-revalidate=…`` so a reverse proxy or CDN may
  serve it too: with PUBLIC_CACHE_TOKEN_SECONDS, at most 60 s after a change;
- for anyone with a session (staff signed in: the header names them), renders the page for them
  alone, ``Cache-Control: private, no-cache``, and never stores it in a shared cache.

Expensive data behind a page (the transparency report's counts) is computed once per token and
kept in the cache (``cached_data``), with a lock so that a crowd arriving just after a change
computes it once, not once per request.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

# Topics: what a group of public pages shows, and so which tables' changes it follows.
TRANSPARENCY = "transparency"  # removals, their categories, site and platform names
DIRECTORY = "directory"  # sites and platforms
POLICIES = "policies"  # policy documents

# --- the triggers (installed by migrations) ------------------------------------------------

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION portal_public_change() RETURNS trigger AS $$
BEGIN
    -- A new random token for each topic named in the trigger's arguments, committed with the
    -- change itself. Rows are taken in topic order so that two transactions never wait on
    -- each other the other way round.
    INSERT INTO portal_publicchange (topic, token, changed_at)
        SELECT topic, floor(random() * 9007199254740991)::bigint, clock_timestamp()
        FROM unnest(TG_ARGV) AS topic ORDER BY topic
    ON CONFLICT (topic) DO UPDATE SET token = EXCLUDED.token, changed_at = EXCLUDED.changed_at;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES_FUNCTION_DROP = "DROP FUNCTION IF EXISTS portal_public_change();"


def _trigger_name(table: str, event: str = "") -> str:
    return f"portal_public_change_{table}{'_' + event if event else ''}"


def install_change_triggers(schema_editor, table: str, topics: tuple[str, ...]) -> None:
    """After any insert, update, delete (or truncate) on ``table``, a new token for ``topics``.

    PostgreSQL: one statement-level trigger (a purge batch of 5,000 rows writes one token, not
    5,000). SQLite (the embedded development run) has only row-level triggers: one per event.
    """
    vendor = schema_editor.connection.vendor
    for topic in topics:
        if not topic.isidentifier():
            raise ValueError(f"A topic is a plain word, not {topic!r}.")
    if vendor == "postgresql":
        arguments = ", ".join(f"'{topic}'" for topic in topics)
        schema_editor.execute(
            f"CREATE TRIGGER {_trigger_name(table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION portal_public_change({arguments});"
        )
    elif vendor == "sqlite":
        values = ", ".join(
            f"('{topic}', random(), strftime('%Y-%m-%d %H:%M:%f', 'now'))" for topic in sorted(topics)
        )
        for event in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {_trigger_name(table, event.lower())} AFTER {event} ON {table} "
                f"BEGIN INSERT INTO portal_publicchange (topic, token, changed_at) VALUES {values} "
                "ON CONFLICT (topic) DO UPDATE SET token = excluded.token, changed_at = excluded.changed_at; "
                "END;"
            )
    else:
        raise NotImplementedError(f"No change triggers for the {vendor} database.")
    # A first token for topics whose data was written before the triggers existed (seeds).
    random_token = "floor(random() * 9007199254740991)::bigint" if vendor == "postgresql" else "random()"
    for topic in topics:
        schema_editor.execute(
            "INSERT INTO portal_publicchange (topic, token, changed_at) "
            f"VALUES ('{topic}', {random_token}, CURRENT_TIMESTAMP) ON CONFLICT (topic) DO NOTHING;"
        )


def drop_change_triggers(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table)} ON {table};")
    elif vendor == "sqlite":
        for event in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)};")


# --- reading the tokens ------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The state of some topics' data: one token for all of them and when the latest changed."""

    token: str
    changed_at: datetime


def _touch(topics) -> None:
    """A token for topics that have none yet (a database just created or flushed)."""
    from config.portal.models import PublicChange

    for topic in topics:
        PublicChange.objects.get_or_create(
            topic=topic, defaults={"token": secrets.randbits(52), "changed_at": datetime.now(UTC)}
        )


# The tokens as this process last read them, and when (time.monotonic()). Every process re-reads
# them at most PUBLIC_CACHE_TOKEN_SECONDS after its last read, and at once after a write to the
# database made in this process (``forget_tokens``, connected to every model save and delete), so
# a page is never older than that in another process, and never older at all in the one that made
# the change.
_memo: dict[str, tuple[int, datetime]] = {}
_memo_read_at = float("-inf")


def forget_tokens(*args, **kwargs) -> None:
    global _memo_read_at
    _memo_read_at = float("-inf")


def _tokens(topics: tuple[str, ...]) -> dict[str, tuple[int, datetime]]:
    global _memo, _memo_read_at
    if time.monotonic() - _memo_read_at < settings.PUBLIC_CACHE_TOKEN_SECONDS and all(
        topic in _memo for topic in topics
    ):
        return _memo
    from config.portal.models import PublicChange

    read_at = time.monotonic()
    rows = {
        topic: (token, changed_at)
        for topic, token, changed_at in PublicChange.objects.values_list("topic", "token", "changed_at")
    }
    if not all(topic in rows for topic in topics):
        _touch(set(topics) - set(rows))
        return _tokens(topics)
    _memo, _memo_read_at = rows, read_at
    return rows


def snapshot(*topics: str) -> Snapshot:
    """The current tokens of ``topics``: at most one query (none when read within the last
    PUBLIC_CACHE_TOKEN_SECONDS)."""
    topics = tuple(sorted(set(topics)))
    rows = _tokens(topics)
    return Snapshot(
        token="-".join(f"{rows[topic][0]:x}" for topic in topics),
        changed_at=max(rows[topic][1] for topic in topics),
    )


class _LocalCache:
    """The newest entries of the shared cache kept in this process too (bounded in bytes): a
    page served again costs no round trip to Redis. Keys hold the tokens, so an entry is never
    stale; the oldest are dropped first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()  # threaded workers (gunicorn --threads)

    def get(self, key: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def set(self, key: str, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self.lock:
            if key in self.entries:
                self.size -= self.entries.pop(key)[1]
            self.entries[key] = (value, size)
            self.size += size
            while self.size > self.max_bytes:
                self.size -= self.entries.popitem(last=False)[1][1]


_local = _LocalCache(max_bytes=32 * 1024 * 1024)


def _shared_get(key: str):
    value = _local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _local.set(key, value, _size(value))
    return value


def _shared_set(key: str, value, timeout: int) -> None:
    cache.set(key, value, timeout)
    _local.set(key, value, _size(value))


def _size(value) -> int:
    if isinstance(value, dict) and isinstance(value.get("content"), bytes):
        return len(value["content"]) + len(value.get("gzip") or b"") + 512
    return 64 * 1024  # computed data: a few hundred rows at most


def release() -> tuple[str, datetime]:
    """What the running code renders with: a digest of every template and static file's name,
    size and time, and the newest of those times. A deployment changes the ETags of every page
    (and its Last-Modified), so no visitor keeps a page laid out by the previous release. Read
    once per process, except in development (DEBUG), where a template edited is seen at once."""
    return _release() if settings.DEBUG else _release_once()


@lru_cache(maxsize=1)
def _release_once() -> tuple[str, datetime]:
    return _release()


def _release() -> tuple[str, datetime]:
    digest = hashlib.sha256(f"{settings.CITY_NAME}|{settings.CITY_WEBSITE_URL}".encode())
    newest = 0.0
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    files = [manifest] if manifest.exists() else []
    for folder in folders:
        files.extend(sorted(path for path in folder.rglob("*") if path.is_file()))
    for path in files:
        stat = path.stat()
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
        newest = max(newest, stat.st_mtime)
    return digest.hexdigest()[:16], datetime.fromtimestamp(int(newest), UTC)


# --- the computed data ---------------------------------------------------------------------

DATA_TIMEOUT = 24 * 3600  # entries are keyed by token: an old one is never read, only evicted
COMPUTE_LOCK_SECONDS = 60
COMPUTE_WAIT_SECONDS = 10


def cached_data(name: str, snap: Snapshot, compute: Callable[[], object], *, variant: str = ""):
    """``compute()`` once per token (and variant), shared by every process through the cache.

    When many requests arrive just after a change, one computes; the others wait for its result
    (up to COMPUTE_WAIT_SECONDS, then compute themselves rather than fail).
    """
    key = f"public:data:{name}:{variant}:{snap.token}"
    value = _shared_get(key)
    if value is not None:
        return value
    lock = f"{key}:computing"
    if not cache.add(lock, 1, timeout=COMPUTE_LOCK_SECONDS):
        deadline = time.monotonic() + COMPUTE_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
            value = _shared_get(key)
            if value is not None:
                return value
    try:
        value = compute()
        _shared_set(key, value, DATA_TIMEOUT)
    finally:
        cache.delete(lock)
    return value


_GZIP = re.compile(r"\bgzip\b")


def _compressed(content: bytes) -> bytes | None:
    """The gzip form of a page or file kept in the cache, made once per change (as WhiteNoise
    keeps a .gz beside each static file); None when it would not be smaller."""
    if len(content) < 200:
        return None
    packed = gzip.compress(content, compresslevel=6, mtime=0)
    return packed if len(packed) < len(content) else None


def _representation(request, kept: dict) -> tuple[bytes, str | None]:
    if kept.get("gzip") is not None and _GZIP.search(request.headers.get("Accept-Encoding", "")):
        return kept["gzip"], "gzip"
    return kept["content"], None


def streamed_file(
    request, name: str, chunks: Callable[[], Iterator[bytes]], *, content_type: str, variant: str = ""
) -> StreamingHttpResponse:
    """A public file made of the bytes ``chunks()`` yields, streamed as they are made.

    Kept in the cache once streamed whole (if not larger than PUBLIC_CACHE_MAX_FILE_BYTES), with
    its gzip form: until the next change, a request gets it from there in pieces of 1 MiB, with its
    length, gzipped if the client accepts it, instead of reading the database again.
    """
    key = f"public:file:{name}:{variant}:{request.public_snapshot.token}"
    kept = _shared_get(key)
    if kept is not None:
        content, encoding = _representation(request, kept)
        step = 1024 * 1024
        response = StreamingHttpResponse(
            (content[start : start + step] for start in range(0, len(content), step)),
            content_type=content_type,
        )
        response["Content-Length"] = str(len(content))
        if encoding:
            response["Content-Encoding"] = encoding
    else:
        response = StreamingHttpResponse(_tee(key, chunks()), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _tee(key: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    limit = settings.PUBLIC_CACHE_MAX_FILE_BYTES
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= limit:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    # Only a file streamed to its end is kept (a client that went away stops the generator).
    if kept is not None:
        content = b"".join(kept)
        _shared_set(key, {"content": content, "gzip": _compressed(content)}, DATA_TIMEOUT)


# --- the pages ---------------------------------------------------------------------------

PAGE_TIMEOUT = 24 * 3600


def shared(request) -> bool:
    """Whether the visitor is anonymous, so the page is the same for everyone and may be kept in
    a shared cache. Anyone with a session (staff) or pending messages gets a page of their own."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def cache_control_public(response) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_MAX_AGE,
        stale_while_revalidate=settings.PUBLIC_CACHE_STALE_WHILE_REVALIDATE,
    )


def cache_control_private(response) -> None:
    patch_cache_control(response, private=True, no_cache=True)


def _keep(response) -> dict:
    return {
        "content": response.content,
        "gzip": _compressed(response.content),
        "status": response.status_code,
        "headers": {
            name: value
            for name, value in response.items()
            if name.lower() in ("content-type", "content-disposition", "access-control-allow-origin")
        },
    }


def _restore(kept: dict, request) -> HttpResponse:
    content, encoding = _representation(request, kept)
    response = HttpResponse(content, status=kept["status"])
    for name, value in kept["headers"].items():
        response[name] = value
    if encoding:
        response["Content-Encoding"] = encoding
    return response


def public_page(*topics: str, variant: Callable | None = None, keep: bool = True):
    """A public page whose content depends only on ``topics`` and ``variant(request)``.

    ``variant`` names what else the page depends on (a year chosen, today's date), normalised:
    any other query parameter is ignored by the page, so it neither changes the ETag nor adds
    an entry to the cache. ``keep=False`` for a streamed file (the view keeps its bytes itself).
    The view finds the snapshot it is rendered for in ``request.public_snapshot``.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            snap = snapshot(*topics)
            request.public_snapshot = snap
            if not shared(request):
                response = view(request, *args, **kwargs)
                cache_control_private(response)
                patch_vary_headers(response, ("Cookie",))
                return response
            code, code_time = release()
            which = variant(request) if variant else ""
            validator = hashlib.sha256(f"{code}|{snap.token}|{request.path}|{which}".encode()).hexdigest()
            # Weak: the page and its gzip form are the same page (RFC 9110, 8.8.1).
            etag = f'W/"{validator[:32]}"'
            last_modified = max(snap.changed_at, code_time)
            response = get_conditional_response(
                request, etag=etag, last_modified=int(last_modified.timestamp())
            )
            if response is None:
                key = f"public:page:{validator}"
                kept = _shared_get(key) if keep else None
                if kept is not None:
                    response = _restore(kept, request)
                else:
                    response = view(request, *args, **kwargs)
                    if (
                        keep
                        and response.status_code == 200
                        and not response.cookies
                        and not response.streaming
                    ):
                        kept = _keep(response)
                        _shared_set(key, kept, PAGE_TIMEOUT)
                        response = _restore(kept, request)
            if response.status_code in (200, 304) and not response.cookies:
                response["ETag"] = etag
                response["Last-Modified"] = http_date(last_modified.timestamp())
                cache_control_public(response)
            else:
                cache_control_private(response)
            patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
            return response

        return wrapped

    return decorator

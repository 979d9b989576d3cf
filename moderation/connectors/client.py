"""HTTP to the platforms: one GET of one page, with the platforms' limits respected.

Every request carries the credentials in the ``Authorization`` header, never in the URL, so
no URL the portal logs or keeps holds a token; a token a platform repeats in a page (Graph
API paging URLs) is taken out before the page is read. A fault is classified once, here, from the
status and the platforms' documented error bodies:

- throttling (HTTP 429 with ``Retry-After`` or X's ``x-rate-limit-reset``; Graph API error
  codes 4, 17, 32 and 613, with ``X-Business-Use-Case-Usage``'s estimated time to regain
  access; YouTube ``rateLimitExceeded``): waited out as the platform asks,
  up to ``CAPTURE_HTTP_MAX_WAIT`` seconds, else the run stops and the next carries on;
- 5xx, time-outs and broken connections: retried with exponential back-off and jitter
  (stamina), ``CAPTURE_HTTP_ATTEMPTS`` attempts in all;
- YouTube ``quotaExceeded``: the day's quota is spent; not retried;
- an expired or revoked token (HTTP 401, Graph code 190, YouTube ``authError``):
  ``TokenRejected``, and the connection needs reauthorization;
- any other refusal (4xx): ``PlatformRefused`` with the platform's own message.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
import stamina
from django.conf import settings

GRAPH_THROTTLING_CODES = frozenset({4, 17, 32, 613})
GRAPH_TOKEN_CODES = frozenset({190})
YOUTUBE_THROTTLING_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
YOUTUBE_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
# What stands for the connection's token wherever a platform repeats it in a page.
REDACTED = b"REDACTED"


class PlatformFault(Exception):
    """The platform did not give the page; the run stops part-way and the next carries on."""

    retry = False

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class Transient(PlatformFault):
    retry = True


class Throttled(PlatformFault):
    retry = True

    def __init__(self, message: str, wait: float | None):
        super().__init__(message)
        self.wait = wait


class QuotaExceeded(PlatformFault):
    pass


class PlatformRefused(PlatformFault):
    pass


class TokenRejected(Exception):
    """The platform no longer accepts the connection's credentials."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class PageTooLarge(PlatformFault):
    pass


@dataclass
class Page:
    url: str  # the request's URL (never with credentials: they go in a header)
    body: bytes
    data: object  # the parsed JSON


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                return None
    reset = response.headers.get("x-rate-limit-reset")  # X: epoch seconds when the window resets
    if reset:
        try:
            return max(0.0, float(reset) - time.time())
        except ValueError:
            return None
    return _graph_regain_access(response.headers.get("x-business-use-case-usage"))


def _graph_regain_access(header: str | None) -> float | None:
    """Seconds until the Graph API lifts a throttle: the largest ``estimated_time_to_regain_access``
    (minutes) of ``X-Business-Use-Case-Usage``. Calls made while throttled prolong it."""
    if not header:
        return None
    try:
        usage = json.loads(header)
    except ValueError:
        return None
    minutes = [
        entry.get("estimated_time_to_regain_access")
        for entries in (usage.values() if isinstance(usage, dict) else ())
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    minutes = [m for m in minutes if isinstance(m, (int, float)) and not isinstance(m, bool)]
    return max(0.0, float(max(minutes)) * 60) if minutes else None


def _error_of(data) -> tuple[int | None, str, set[str]]:
    """(Graph error code, message, YouTube/Google reasons) from an error body."""
    if not isinstance(data, dict):
        return None, "", set()
    error = data.get("error")
    if isinstance(error, dict):
        code = error.get("code") if isinstance(error.get("code"), int) else None
        message = str(error.get("message") or "")[:500]
        reasons = {
            str(entry.get("reason"))
            for entry in error.get("errors") or []
            if isinstance(entry, dict) and entry.get("reason")
        }
        return code, message, reasons
    # X API v2 problem details: {"title": …, "detail": …, "type": …}
    message = str(data.get("detail") or data.get("title") or "")[:500]
    return None, message, set()


def classify(response: httpx.Response, data, platform: str) -> Exception | None:
    """The fault this response is, or None when it is a page."""
    status = response.status_code
    code, message, reasons = _error_of(data)
    said = f": {message}" if message else ""
    if code in GRAPH_TOKEN_CODES or status == 401 or "authError" in reasons:
        return TokenRejected(f"{platform} no longer accepts the connection's token (HTTP {status}{said})")
    if reasons & YOUTUBE_QUOTA_REASONS:
        return QuotaExceeded(
            f"the YouTube API quota for today is spent{said}; capture resumes when it resets"
        )
    if status == 429 or code in GRAPH_THROTTLING_CODES or reasons & YOUTUBE_THROTTLING_REASONS:
        return Throttled(
            f"{platform} asked the portal to slow down (HTTP {status}{said})", _retry_after(response)
        )
    if status >= 500:
        return Transient(f"{platform} answered HTTP {status}{said}")
    if status >= 400:
        return PlatformRefused(f"{platform} refused the request (HTTP {status}{said})")
    if code is not None:  # HTTP 200 with an error body (older Graph API versions)
        return PlatformRefused(f"{platform} answered with an error (code {code}{said})")
    return None


def _backoff(exc: Exception) -> bool | float:
    """stamina's hook: True retries with exponential back-off, a number waits that long."""
    if isinstance(exc, Throttled):
        if exc.wait is None:
            return True
        return exc.wait if exc.wait <= settings.CAPTURE_HTTP_MAX_WAIT else False
    if isinstance(exc, PlatformFault):
        return exc.retry
    return isinstance(exc, (httpx.TimeoutException, httpx.TransportError))


class PlatformClient:
    def __init__(self, *, platform: str, base_url: str, token: str):
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(
            timeout=settings.CAPTURE_HTTP_TIMEOUT,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            follow_redirects=False,
        )
        # Graph API paging URLs repeat the token (the ``next`` of replies nested in a comment
        # too, which is kept in the comment's payload): taken out of every page received.
        self._secret = token.encode() if len(token) >= 8 else b""
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def get(self, path: str, params: dict | None = None) -> Page:
        url = self.url(path)
        try:
            for attempt in stamina.retry_context(
                on=_backoff,
                attempts=settings.CAPTURE_HTTP_ATTEMPTS,
                timeout=None,
                wait_initial=settings.CAPTURE_HTTP_BACKOFF_SECONDS,
                wait_max=settings.CAPTURE_HTTP_MAX_WAIT,
                wait_jitter=settings.CAPTURE_HTTP_BACKOFF_SECONDS,
            ):
                with attempt:
                    return self._get_once(url, params or {})
        except httpx.TimeoutException:
            raise Transient(
                f"{self.platform} did not answer within {settings.CAPTURE_HTTP_TIMEOUT} s"
            ) from None
        except httpx.TransportError as exc:
            raise Transient(f"could not reach {self.platform}: {type(exc).__name__}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, url: str, params: dict) -> Page:
        self.requests += 1
        limit = settings.CAPTURE_MAX_PAGE_BYTES
        with self.http.stream("GET", url, params=params) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise PageTooLarge(f"{self.platform} sent a page of {int(declared):,} bytes, over {limit:,}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise PageTooLarge(f"{self.platform} sent a page of more than {limit:,} bytes")
                chunks.append(chunk)
        body = b"".join(chunks)
        if self._secret and self._secret in body:
            body = body.replace(self._secret, REDACTED)
        try:
            data = json.loads(body) if body else None
        except ValueError:
            data = None
        fault = classify(response, data, self.platform)
        if fault is not None:
            raise fault
        if data is None:
            raise Transient(
                f"{self.platform} answered HTTP {response.status_code} with a body that is not JSON"
            )
        return Page(url=str(response.request.url), body=body, data=data)

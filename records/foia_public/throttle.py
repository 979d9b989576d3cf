"""Rate limits of the public forms, counted in Django's cache (Redis in production).

Fixed windows: a counter per (what, who, window number) that expires with its window. The key
holds a SHA-256 of the address, never the address itself. No third-party service is involved.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

HOUR = 3600
DAY = 24 * HOUR


def allow(what: str, who: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``who`` at ``what``; False once more than ``limit`` fell in the window."""
    if not who:
        return True
    digest = hashlib.sha256(who.strip().lower().encode("utf-8")).hexdigest()
    key = f"foia-public:{what}:{digest}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 60)
        count = 1
    return count <= limit

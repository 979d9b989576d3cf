"""What was typed into a small inline form survives the redirect when the action is refused.

Inline forms (a note on a queue row, a decision with its reason) post to an action view
that redirects back with a message. When the service refuses the action, the view keeps
what was typed, in the session, under the form's "slot" (e.g. ``removal-review-12``); the
page the user lands on fills it in again, once.
"""

from __future__ import annotations

SESSION_KEY = "portal.kept_input"
MAX_LENGTH = 10_000  # characters kept per field


def keep_input(request, slot: str, fields: tuple[str, ...] = ("note",)) -> None:
    kept = dict(request.session.get(SESSION_KEY) or {})
    kept[slot] = {name: request.POST.get(name, "")[:MAX_LENGTH] for name in fields}
    request.session[SESSION_KEY] = kept


def kept_input(request, slot: str) -> dict[str, str]:
    """What was kept for ``slot`` (then forgotten: it is shown once), or {}."""
    cache = request.__dict__.setdefault("_kept_input", {})
    if slot not in cache:
        session = getattr(request, "session", None)
        stored = session.get(SESSION_KEY) if session is not None else None
        if stored and slot in stored:
            remaining = dict(stored)
            cache[slot] = remaining.pop(slot)
            session[SESSION_KEY] = remaining
        else:
            cache[slot] = {}
    return cache[slot]

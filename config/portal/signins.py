"""Sign-in events: every sign-in, failed sign-in and sign-out is kept, and ledgered.

Written from Django's auth signals, so any way of signing in (the login page, the admin's, a
future single sign-on) is recorded. The username of a failed attempt is kept as typed (bounded),
since who tried which account is the point; the password never reaches this code (Django strips
it from ``credentials``).
"""

from __future__ import annotations

import ipaddress

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

USERNAME_LIMIT = 150


def _address(request) -> str | None:
    """The client's address as the server saw it (the TLS proxy passes it on as REMOTE_ADDR)."""
    if request is None:
        return None
    value = (request.META.get("REMOTE_ADDR") or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _record(kind: str, *, request, user=None, username: str = "") -> None:
    from config.portal.models import SignInEvent

    if user is not None and not getattr(user, "pk", None):
        user = None
    SignInEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:USERNAME_LIMIT],
        address=_address(request),
    )


def on_logged_in(sender, request, user, **kwargs) -> None:
    _record("sign-in", request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    _record("sign-in-failed", request=request, username=str(username))


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _record("sign-out", request=request, user=user)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="portal-sign-in-event")
    user_login_failed.connect(on_login_failed, dispatch_uid="portal-sign-in-failed-event")
    user_logged_out.connect(on_logged_out, dispatch_uid="portal-sign-out-event")

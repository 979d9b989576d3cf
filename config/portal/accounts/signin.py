"""Recording sign-ins in the sign-in log, and the address a request came from.

Connected in ``PortalConfig.ready``: Django's ``user_logged_in`` / ``user_logged_out`` /
``user_login_failed`` (sent by every login form, the portal's and the admin's) and django-axes'
``user_locked_out``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

from config.portal.accounts.models import SignInEvent


def client_address(request) -> str | None:
    """The visitor's address: the person signing in, or filling in a public form (rate limits).

    Behind the TLS proxy (``BEHIND_TLS_PROXY``) the connection comes from the proxy, which
    appends the address it saw to ``X-Forwarded-For``: the right-most entry is the one the
    portal's own proxy wrote (entries to its left were sent by the client and prove nothing).
    Also django-axes' AXES_CLIENT_IP_CALLABLE, so lockouts count per real address.
    """
    candidate = None
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[-1].strip()
    if not candidate:
        candidate = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def record(
    kind: str, *, request=None, user=None, username: str = "", actor=None, detail: str = ""
) -> SignInEvent:
    """One row of the sign-in log. Never given a password or a code."""
    if user is not None and not username:
        username = user.get_username()
    event = SignInEvent(kind=kind, user=user, username=username[:150], actor=actor, detail=detail[:500])
    if request is not None:
        event.address = client_address(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        event.path = request.path[:200]
    event.save()
    return event


def on_logged_in(sender, request, user, **kwargs) -> None:
    record(SignInEvent.Kind.SIGNED_IN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(SignInEvent.Kind.SIGNED_OUT, request=request, user=user)


def _username(credentials: dict | None) -> str:
    credentials = credentials or {}
    from django.contrib.auth import get_user_model

    field = get_user_model().USERNAME_FIELD
    return str(credentials.get(field) or credentials.get("username") or "")


def on_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    if request is None:
        return
    username = _username(credentials)
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    locked = getattr(request, "axes_locked_out", False)
    record(
        SignInEvent.Kind.SIGN_IN_FAILED,
        request=request,
        user=user,
        username=username,
        detail="refused while locked out" if locked else "wrong user name or password",
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    username = username or ""
    user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    record(
        SignInEvent.Kind.LOCKED_OUT,
        request=request,
        user=user,
        username=username,
        detail=f"after {settings.AXES_FAILURE_LIMIT} failed sign-ins; "
        f"expires {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes after the last failure",
    )


def on_passkey_saved(sender, instance, created, **kwargs) -> None:
    """A passkey registered through django-otp-webauthn's endpoint (no request reaches here)."""
    if created and instance.confirmed:
        record(SignInEvent.Kind.FACTOR_ENROLLED, user=instance.user, detail=f"passkey {instance.name}"[:500])


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth import signals
    from django.db.models.signals import post_save
    from django_otp_webauthn.models import WebAuthnCredential

    signals.user_logged_in.connect(on_logged_in, dispatch_uid="portal-signin-logged-in")
    signals.user_logged_out.connect(on_logged_out, dispatch_uid="portal-signin-logged-out")
    signals.user_login_failed.connect(on_login_failed, dispatch_uid="portal-signin-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="portal-signin-locked-out")
    post_save.connect(on_passkey_saved, sender=WebAuthnCredential, dispatch_uid="portal-signin-passkey")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE), portal and admin alike: 429,
    how many failures locked it, and how long the lock lasts."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )

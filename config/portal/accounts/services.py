"""The writes of sign-in administration: each records who did it in the sign-in log."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from config.portal.accounts import mfa, signin
from config.portal.accounts.models import SignInEvent


class SignInAdministrationError(ValueError):
    """A request the service refuses, with a message for the person."""


def _require_administrator(actor) -> None:
    if not (actor and actor.is_active and actor.is_superuser):
        raise PermissionDenied("Only an administrator may do this.")


def signin_unlock(*, actor, username: str = "", address: str = "", reason: str, request=None) -> int:
    """Lift a lockout before its cool-off ends (a person locked out by someone guessing at
    their user name, an office behind one address). Returns how many counters were cleared."""
    _require_administrator(actor)
    username, address = (username or "").strip(), (address or "").strip()
    if not username and not address:
        raise SignInAdministrationError("Name the user name or the address to unlock.")
    if not reason.strip():
        raise SignInAdministrationError("Give the reason for unlocking.")
    cleared = 0
    with transaction.atomic():
        if username:
            cleared += axes_reset(username=username)
        if address:
            cleared += axes_reset(ip=address)
        user = get_user_model()._default_manager.filter(username=username).first() if username else None
        event = signin.record(
            SignInEvent.Kind.UNLOCKED,
            request=request,
            user=user,
            username=username,
            actor=actor,
            detail=f"{'address ' + address + '; ' if address else ''}{reason.strip()}",
        )
        if address:
            event.address = address
            event.save(update_fields=["address"])
    return cleared


def second_factors_reset(*, actor, user, reason: str, request=None) -> None:
    """Remove every factor of ``user`` (lost phone, lost key, person left and came back):
    their next sign-in enrols again, and every session of theirs ends now."""
    _require_administrator(actor)
    if not reason.strip():
        raise SignInAdministrationError("Give the reason for resetting the second factors.")
    with transaction.atomic():
        counts = {
            "authenticator apps": TOTPDevice.objects.filter(user=user).delete()[0],
            "passkeys": WebAuthnCredential.objects.filter(user=user).delete()[0],
            "recovery code sets": StaticDevice.objects.filter(user=user).delete()[0],
        }
        _end_sessions(user)
        signin.record(
            SignInEvent.Kind.FACTORS_RESET,
            request=request,
            user=user,
            actor=actor,
            detail="; ".join(f"{n} {what}" for what, n in counts.items()) + f"; {reason.strip()}",
        )


def _end_sessions(user) -> None:
    """Sign ``user`` out everywhere (database sessions: the portal's session engine)."""
    key = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == key:
            session.delete()


def recovery_codes_issue(*, user, request=None) -> list[str]:
    """A new set of single-use recovery codes; any earlier set stops working. Shown once."""
    codes = [mfa.new_recovery_code() for _ in range(_count())]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=mfa.RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        signin.record(
            SignInEvent.Kind.RECOVERY_CODES_ISSUED, request=request, user=user, detail=f"{len(codes)} codes"
        )
    return codes


def _count() -> int:
    from django.conf import settings

    return settings.MFA_RECOVERY_CODES


def authenticator_app_confirm(*, user, device: TOTPDevice, request=None) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One enrolment in progress at a time: drop other unconfirmed secrets.
        TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
        signin.record(
            SignInEvent.Kind.FACTOR_ENROLLED,
            request=request,
            user=user,
            detail=f"authenticator app {device.name}",
        )


def factor_remove(*, user, device, request=None) -> None:
    """A person removes one of their own factors; never the last one they need."""
    if mfa.second_factor_required(user):
        others = [d for d in list(mfa.authenticator_apps(user)) + list(mfa.passkeys(user)) if d != device]
        if not others:
            raise SignInAdministrationError(
                "This is your only authenticator app or passkey: add another before removing it."
            )
    with transaction.atomic():
        label = (
            f"{'passkey' if isinstance(device, WebAuthnCredential) else 'authenticator app'} {device.name}"
        )
        device.delete()
        signin.record(SignInEvent.Kind.FACTOR_REMOVED, request=request, user=user, detail=label)

"""Who must use a second factor, and what counts as one.

Factors are django-otp devices: an authenticator app (TOTP, RFC 6238), passkeys and
security keys (WebAuthn, django-otp-webauthn) and single-use recovery codes (a static
device). Recovery codes get a person in when their phone or key is lost; they are not a
factor of their own, so a person is enrolled once they have an app or a passkey.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from config.portal import roles

RECOVERY_DEVICE_NAME = "Recovery codes"
# 10 characters from an alphabet without look-alikes: about 50 bits each.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def exempt(user) -> bool:
    """Development only: MFA_EXEMPT_USERNAMES is honoured with DEBUG on and nowhere else
    (a system check refuses the setting in production)."""
    return bool(settings.DEBUG) and user.get_username() in settings.MFA_EXEMPT_USERNAMES


def second_factor_required(user) -> bool:
    """The City Clerk, the Communications Office, administrators (and anyone with access to the
    admin site), and the Technical Services Team while MFA_REQUIRED_FOR_TST is on."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if exempt(user):
        return False
    if user.is_superuser or user.is_staff:
        return True
    held = roles.user_roles(user)
    if held & {roles.CITY_CLERK, roles.COMMUNICATIONS_OFFICE}:
        return True
    return roles.TECHNICAL_SERVICES in held and settings.MFA_REQUIRED_FOR_TST


def authenticator_apps(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id")


def passkeys(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("id")


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def enrolled(user) -> bool:
    """An authenticator app or a passkey (recovery codes alone are not enrolment)."""
    return authenticator_apps(user).exists() or passkeys(user).exists()


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    """What a person typed, as stored: spaces gone, lower case; a recovery code keeps its hyphen."""
    code = "".join(code.split()).lower()
    if len(code) == 10 and "-" not in code and not code.isdigit():
        code = f"{code[:5]}-{code[5:]}"
    return code


def totp_secret_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code (no image request, no inline style)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True, title="QR code")

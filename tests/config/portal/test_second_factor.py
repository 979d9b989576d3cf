"""The second factor: who needs it, enrolment on first sign-in, codes, recovery codes, the
administrator's reset, the development-only exemption."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.portal import roles
from config.portal.accounts import mfa, services
from config.portal.accounts.models import SignInEvent
from tests.factories import TEST_PASSWORD, current_totp, enrol_authenticator, make_user, sign_in_verified

pytestmark = pytest.mark.django_db


def _password_only(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (roles.CITY_CLERK, True),
        (roles.COMMUNICATIONS_OFFICE, True),
        (roles.TECHNICAL_SERVICES, True),
        ("admin", True),
        (None, False),
    ],
)
def test_who_needs_a_second_factor(role, required):
    assert mfa.second_factor_required(make_user(role)) is required


def test_tst_needs_it_only_while_the_setting_says_so(settings, tst_user):
    settings.MFA_REQUIRED_FOR_TST = False
    assert not mfa.second_factor_required(tst_user)
    settings.MFA_REQUIRED_FOR_TST = True
    assert mfa.second_factor_required(tst_user)


def test_first_sign_in_goes_to_enrolment_and_nothing_else_opens(client, clerk_user):
    _password_only(client, clerk_user)
    for path in ("/portal/", "/portal/foia/", "/portal/retention/holds/", "/accounts/security/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/setup/"), path
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, drawn in the page
    device = TOTPDevice.objects.get(user=clerk_user, confirmed=False)
    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 200 and "does not match" in wrong.content.decode()
    done = client.post("/accounts/two-factor/setup/", {"code": current_totp(device)})
    assert done["Location"] == "/accounts/two-factor/recovery-codes/"
    codes_page = client.get(done["Location"]).content.decode()
    assert codes_page.count("<code>") == 10
    assert client.get("/portal/foia/").status_code == 200
    kinds = list(SignInEvent.objects.filter(user=clerk_user).values_list("kind", flat=True))
    assert {"signed_in", "factor_enrolled", "recovery_codes_issued", "second_factor_failed"} <= set(kinds)
    # Shown once: the page does not show them again.
    assert "<code>" not in client.get("/accounts/two-factor/recovery-codes/").content.decode()


def test_enrolled_person_gives_the_code_from_the_app(client, comms_user):
    device = enrol_authenticator(comms_user)
    _password_only(client, comms_user)
    response = client.get("/portal/sites/queue/")
    assert response["Location"] == "/accounts/two-factor/?next=%2Fportal%2Fsites%2Fqueue%2F"
    # A stolen password cannot enrol a factor of its own.
    assert client.get("/accounts/two-factor/setup/")["Location"].startswith("/accounts/two-factor/?")
    wrong = client.post("/accounts/two-factor/", {"code": "123456", "next": "/portal/sites/queue/"})
    assert "not right" in wrong.content.decode()
    right = client.post(
        "/accounts/two-factor/", {"code": current_totp(device), "next": "/portal/sites/queue/"}
    )
    assert right["Location"] == "/portal/sites/queue/"
    assert client.get("/portal/sites/queue/").status_code == 200
    assert SignInEvent.objects.filter(user=comms_user, kind="second_factor_failed").count() == 1
    assert SignInEvent.objects.filter(user=comms_user, kind="second_factor_passed").count() == 1


def test_next_may_not_leave_the_portal(client, comms_user):
    device = enrol_authenticator(comms_user)
    _password_only(client, comms_user)
    response = client.post(
        "/accounts/two-factor/", {"code": current_totp(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/portal/"


def test_a_recovery_code_works_once(client, clerk_user):
    enrol_authenticator(clerk_user)
    codes = services.recovery_codes_issue(user=clerk_user)
    _password_only(client, clerk_user)
    response = client.post("/accounts/two-factor/", {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert mfa.recovery_codes_left(clerk_user) == 9
    client.post("/accounts/logout/")
    _password_only(client, clerk_user)
    again = client.post("/accounts/two-factor/", {"code": codes[0]})
    assert again.status_code == 200


def test_new_recovery_codes_replace_the_old(clerk_user):
    enrol_authenticator(clerk_user)
    first = services.recovery_codes_issue(user=clerk_user)
    second = services.recovery_codes_issue(user=clerk_user)
    assert not set(first) & set(second)
    assert mfa.recovery_codes_left(clerk_user) == 10


def test_admin_site_needs_the_second_factor(client, superuser):
    enrol_authenticator(superuser)
    response = client.post("/admin/login/", {"username": superuser.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")
    assert client.get("/admin/auth/user/")["Location"].startswith("/accounts/two-factor/")
    sign_in_verified(client, superuser)
    assert client.get("/admin/").status_code == 200


def test_administrator_resets_a_persons_factors_and_it_is_recorded(client, superuser, clerk_user):
    enrol_authenticator(clerk_user)
    services.recovery_codes_issue(user=clerk_user)
    clerk_client = sign_in_verified(client.__class__(), clerk_user)
    assert clerk_client.get("/portal/").status_code == 200
    admin_client = sign_in_verified(client, superuser)
    assert (
        "Reset second factors"
        in admin_client.get(f"/admin/auth/user/{clerk_user.pk}/change/").content.decode()
    )
    page = admin_client.get(f"/portal/sign-in/users/{clerk_user.pk}/reset-second-factors/")
    assert page.status_code == 200
    response = admin_client.post(
        f"/portal/sign-in/users/{clerk_user.pk}/reset-second-factors/",
        {"reason": "Lost phone, seen in person"},
    )
    assert response.status_code == 302
    assert not mfa.enrolled(clerk_user) and mfa.recovery_codes_left(clerk_user) == 0
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.FACTORS_RESET)
    assert event.user == clerk_user and event.actor == superuser and "Lost phone" in event.detail
    # Their session ended; signing in again leads to enrolment.
    assert clerk_client.get("/portal/")["Location"].startswith("/accounts/login/")
    fresh = _password_only(client.__class__(), clerk_user)
    assert fresh.get("/portal/")["Location"].startswith("/accounts/two-factor/setup/")


@pytest.mark.parametrize("who", ["clerk_user", "comms_user", "tst_user"])
def test_only_administrators_reset_factors(request, client, who, superuser):
    sign_in_verified(client, request.getfixturevalue(who))
    assert client.get(f"/portal/sign-in/users/{superuser.pk}/reset-second-factors/").status_code == 403


def test_a_person_cannot_remove_their_only_factor(client, clerk_user):
    device = enrol_authenticator(clerk_user)
    sign_in_verified(client, clerk_user)
    client.post(f"/accounts/security/remove/app/{device.pk}/")
    assert mfa.enrolled(clerk_user)
    assert client.get("/accounts/security/").status_code == 200


def test_exemption_is_honoured_only_with_debug(settings, clerk_user):
    settings.MFA_EXEMPT_USERNAMES = ["clerk"]
    settings.DEBUG = True
    assert not mfa.second_factor_required(clerk_user)
    settings.DEBUG = False
    assert mfa.second_factor_required(clerk_user)


def test_system_check_refuses_the_exemption_in_production(settings):
    settings.MFA_EXEMPT_USERNAMES = ["clerk"]
    settings.DEBUG = False
    with pytest.raises(SystemCheckError, match="MFA_EXEMPT_USERNAMES"):
        call_command("check")


def test_a_registered_passkey_is_recorded_and_counts_as_enrolment(clerk_user):
    from django_otp_webauthn.models import WebAuthnCredential

    WebAuthnCredential.objects.create(
        user=clerk_user,
        name="YubiKey",
        confirmed=True,
        credential_id=b"\x01" * 16,
        credential_id_sha256="0" * 64,
        public_key=b"\x02" * 32,
        sign_count=0,
    )
    assert mfa.enrolled(clerk_user)
    assert SignInEvent.objects.filter(
        user=clerk_user, kind="factor_enrolled", detail="passkey YubiKey"
    ).exists()

"""Lockout on both login pages (django-axes), the sign-in log, unlocking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from config.portal import roles
from config.portal.accounts import services
from config.portal.accounts.models import SignInEvent
from tests.factories import TEST_PASSWORD, make_user, sign_in_verified

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


def _try(client, page, username, password, address="203.0.113.5"):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, clerk_user, page):
    clerk_user.is_staff = True  # may use the admin login
    clerk_user.save()
    statuses = [_try(client, page, "clerk", f"guess-{n}").status_code for n in range(30)]
    assert statuses[:9] == [200] * 9  # the form again, with its error
    assert set(statuses[10:]) == {429}
    response = _try(client, page, "clerk", TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "Sign-in is locked for now" in text
    assert "15 minutes" in text
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.LOCKED_OUT, username="clerk").exists()
    failed = SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGN_IN_FAILED, username="clerk")
    assert failed.count() == 31
    assert set(failed.values_list("address", flat=True)) == {"203.0.113.5"}
    assert set(failed.values_list("path", flat=True)) == {page}


def test_lockout_by_address_covers_every_user_name(client, clerk_user):
    for n in range(10):
        _try(client, "/accounts/login/", f"someone{n}", "wrong", address="198.51.100.7")
    assert _try(client, "/accounts/login/", "clerk", TEST_PASSWORD, address="198.51.100.7").status_code == 429
    # Another address may still sign in as the clerk (the user name itself was never guessed).
    response = _try(client, "/accounts/login/", "clerk", TEST_PASSWORD, address="198.51.100.8")
    assert response.status_code == 302


def test_lockout_by_user_name_covers_every_address(client, clerk_user):
    for n in range(10):
        _try(client, "/accounts/login/", "clerk", "wrong", address=f"198.51.100.{n + 10}")
    assert _try(client, "/accounts/login/", "clerk", TEST_PASSWORD, address="192.0.2.1").status_code == 429


def test_lockout_expires_after_the_cool_off(client, clerk_user, settings):
    for _ in range(10):
        _try(client, "/accounts/login/", "clerk", "wrong")
    assert _try(client, "/accounts/login/", "clerk", TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _try(client, "/accounts/login/", "clerk", TEST_PASSWORD).status_code == 302


def test_successful_sign_in_is_recorded_with_time_and_address(client, clerk_user):
    before = timezone.now()
    assert _try(client, "/accounts/login/", "clerk", TEST_PASSWORD, address="192.0.2.44").status_code == 302
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SIGNED_IN)
    assert event.user == clerk_user and event.address == "192.0.2.44" and event.occurred_at >= before


def test_address_behind_the_proxy_is_the_one_the_proxy_saw(client, clerk_user, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.post(
        "/accounts/login/",
        {"username": "clerk", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.80",  # the proxy appended the last
    )
    assert SignInEvent.objects.get(kind=SignInEvent.Kind.SIGN_IN_FAILED).address == "192.0.2.80"


def test_administrator_unlocks_and_the_unlock_is_recorded(client, clerk_user, superuser):
    for _ in range(10):
        _try(client, "/accounts/login/", "clerk", "wrong")
    assert _try(client, "/accounts/login/", "clerk", TEST_PASSWORD).status_code == 429
    admin_client = sign_in_verified(client.__class__(), superuser)
    page = admin_client.get("/portal/sign-in/unlock/?username=clerk")
    assert page.status_code == 200 and "clerk" in page.content.decode()
    response = admin_client.post(
        "/portal/sign-in/unlock/", {"username": "clerk", "address": "", "reason": "Confirmed by phone"}
    )
    assert response.status_code == 302
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.UNLOCKED)
    assert event.actor == superuser and event.username == "clerk" and "Confirmed by phone" in event.detail
    assert _try(client, "/accounts/login/", "clerk", TEST_PASSWORD, address="192.0.2.9").status_code == 302


@pytest.mark.parametrize("who", ["clerk_user", "comms_user", "tst_user"])
def test_only_administrators_unlock(request, client, who):
    sign_in_verified(client, request.getfixturevalue(who))
    assert client.get("/portal/sign-in/unlock/").status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.signin_unlock(actor=request.getfixturevalue(who), username="x", reason="r")


def test_unlock_needs_a_reason_and_a_target(superuser):
    with pytest.raises(services.SignInAdministrationError, match="reason"):
        services.signin_unlock(actor=superuser, username="clerk", reason=" ")
    with pytest.raises(services.SignInAdministrationError, match="user name or the address"):
        services.signin_unlock(actor=superuser, reason="because")


def test_sign_in_log_is_readable_by_administrators_only(client, superuser, clerk_user):
    _try(client, "/accounts/login/", "clerk", "wrong")
    admin_client = sign_in_verified(client.__class__(), superuser)
    page = admin_client.get("/admin/portal/signinevent/")
    assert page.status_code == 200
    assert "203.0.113.5" in page.content.decode()
    lockouts = admin_client.get("/admin/axes/accessattempt/")
    assert lockouts.status_code == 200 and "Unlock" in lockouts.content.decode()
    clerk_client = sign_in_verified(client.__class__(), make_user(roles.CITY_CLERK, username="clerk2"))
    assert clerk_client.get("/admin/portal/signinevent/").status_code == 302  # not staff: admin login

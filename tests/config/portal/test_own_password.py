"""Staff change their own password, and reset it by a time-limited link sent by e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail

from config.portal.accounts.models import SignInEvent
from tests.factories import TEST_PASSWORD, sign_in_verified

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-for-2027"


def test_staff_change_their_password(client, clerk_user):
    sign_in_verified(client, clerk_user)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and "usa-input" in page.content.decode()
    weak = client.post(
        "/accounts/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    done = client.post(
        "/accounts/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/accounts/password/change/done/"
    clerk_user.refresh_from_db()
    assert clerk_user.check_password(NEW_PASSWORD)
    assert SignInEvent.objects.filter(user=clerk_user, kind="password_changed").exists()


def test_changing_the_password_needs_the_second_factor(client, clerk_user):
    client.force_login(clerk_user)
    assert client.get("/accounts/password/change/")["Location"].startswith("/accounts/two-factor/")


def _reset_link(client, email) -> str:
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "expires 60 minutes after it was sent" in body
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", body).group(1)


def test_reset_by_e_mail_sets_a_new_password_once(client, clerk_user):
    link = _reset_link(client, clerk_user.email)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password/reset/complete/"
    clerk_user.refresh_from_db()
    assert clerk_user.check_password(NEW_PASSWORD)
    assert SignInEvent.objects.filter(user=clerk_user, kind="password_reset").exists()
    # The link works once.
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_reset_link_expires(client, clerk_user, monkeypatch, settings):
    link = _reset_link(client, clerk_user.email)
    later = PasswordResetTokenGenerator()._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    page = client.get(link, follow=True)
    assert "This link does not work" in page.content.decode()


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []

"""``rotate_connector_keys`` and the system check on ``CONNECTOR_TOKEN_KEYS``."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from moderation.connectors import crypto, services
from moderation.connectors.checks import connector_token_keys
from moderation.models import ConnectionSecret
from tests.factories import site_on

pytestmark = pytest.mark.django_db


def _connect(superuser, slug, token):
    return services.site_connect(
        actor=superuser,
        site=site_on(slug),
        account_id="a1",
        credentials={"access_token": token},
        method="token",
    )


def test_rotation_re_encrypts_with_the_new_key_so_the_old_one_can_go(settings, superuser):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CONNECTOR_TOKEN_KEYS = [old]
    first = _connect(superuser, "youtube", "token-one")
    second = _connect(superuser, "x", "token-two")
    before = dict(ConnectionSecret.objects.values_list("pk", "ciphertext"))

    settings.CONNECTOR_TOKEN_KEYS = [new, old]  # the new key first; the old one still reads
    out = io.StringIO()
    call_command("rotate_connector_keys", stdout=out)
    assert "2 credentials re-encrypted with the first key." in out.getvalue()
    after = dict(ConnectionSecret.objects.values_list("pk", "ciphertext"))
    assert all(after[pk] != before[pk] for pk in before)

    settings.CONNECTOR_TOKEN_KEYS = [new]  # the old key removed
    assert services.credentials_of(first) == {"access_token": "token-one"}
    assert services.credentials_of(second) == {"access_token": "token-two"}
    # Without the rotation, the new key alone could not have read them.
    with pytest.raises(crypto.CredentialsUnreadable):
        crypto.unseal(before[first.secret.pk])


def test_rotation_names_credentials_no_key_can_read(settings, superuser):
    lost = Fernet.generate_key().decode()
    settings.CONNECTOR_TOKEN_KEYS = [lost]
    connection = _connect(superuser, "youtube", "token-lost")
    _connect(superuser, "x", "token-kept")
    kept_key = Fernet.generate_key().decode()
    settings.CONNECTOR_TOKEN_KEYS = [kept_key, lost]
    # Re-seal the second with the kept key, then lose the first key.
    for secret in ConnectionSecret.objects.exclude(connection=connection):
        secret.ciphertext = crypto.rotate(secret.ciphertext)
        secret.save()
    settings.CONNECTOR_TOKEN_KEYS = [kept_key]
    out = io.StringIO()
    with pytest.raises(
        CommandError, match=rf"1 credential could not be decrypted .*connections {connection.pk}\)"
    ):
        call_command("rotate_connector_keys", stdout=out)
    assert "1 credential re-encrypted" in out.getvalue()


def test_production_without_keys_fails_the_system_check(settings):
    settings.DEBUG = False
    settings.CONNECTOR_TOKEN_KEYS = []
    assert [error.id for error in connector_token_keys()] == ["moderation.E001"]
    settings.CONNECTOR_TOKEN_KEYS = ["not-a-key"]
    assert [error.id for error in connector_token_keys()] == ["moderation.E002"]
    settings.CONNECTOR_TOKEN_KEYS = [Fernet.generate_key().decode()]
    assert connector_token_keys() == []
    settings.DEBUG = True  # development derives a key from SECRET_KEY
    settings.CONNECTOR_TOKEN_KEYS = []
    assert connector_token_keys() == []

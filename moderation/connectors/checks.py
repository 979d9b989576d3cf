"""System check: production needs ``CONNECTOR_TOKEN_KEYS`` (without them the credentials of
connected sites could not be encrypted; in development, ``DEBUG`` on, a key is derived from
``SECRET_KEY`` instead). Run by every ``manage.py`` command that checks (``check``,
``check --deploy``, ``migrate``, ``runserver``)."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def connector_token_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    keys = [key.strip() for key in settings.CONNECTOR_TOKEN_KEYS if key.strip()]
    errors = []
    if not keys and not settings.DEBUG:
        errors.append(
            checks.Error(
                "CONNECTOR_TOKEN_KEYS is not set: the platform credentials of connected sites cannot be "
                "encrypted.",
                hint="Generate a key with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())' and set CONNECTOR_TOKEN_KEYS (or "
                "CONNECTOR_TOKEN_KEYS_FILE).",
                id="moderation.E001",
            )
        )
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                checks.Error(
                    f"Key {number} of CONNECTOR_TOKEN_KEYS is not a Fernet key (32 url-safe base64 bytes).",
                    id="moderation.E002",
                )
            )
    return errors

"""Credentials encrypted at rest: a MultiFernet over the keys in ``CONNECTOR_TOKEN_KEYS``.

The first key encrypts; every key decrypts, so a new key is put first, ``manage.py
rotate_connector_keys`` re-encrypts every stored credential with it, and the old key is
then dropped. Without keys (development only: ``DEBUG`` on), one key is derived from
``SECRET_KEY``; a production start without keys is refused by a system check."""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialsUnreadable(Exception):
    """The stored credentials cannot be decrypted with any configured key."""


def _keys() -> list[bytes]:
    keys = [key.strip().encode() for key in settings.CONNECTOR_TOKEN_KEYS if key.strip()]
    if keys:
        return keys
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "CONNECTOR_TOKEN_KEYS is not set: the platform credentials of connected sites cannot be "
            "encrypted. Generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    digest = hashlib.sha256(b"connector-token-key:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"CONNECTOR_TOKEN_KEYS holds a key that is not a Fernet key (32 url-safe base64 bytes): {exc}"
        ) from None


def seal(credentials: dict) -> str:
    return _fernet().encrypt(json.dumps(credentials, separators=(",", ":")).encode()).decode()


def unseal(ciphertext: str) -> dict:
    try:
        return json.loads(_fernet().decrypt(ciphertext.encode()))
    except InvalidToken:
        raise CredentialsUnreadable(
            "the stored credentials cannot be decrypted with the keys in CONNECTOR_TOKEN_KEYS "
            "(was a key removed before rotate_connector_keys ran?)"
        ) from None


def rotate(ciphertext: str) -> str:
    """The same credentials, encrypted with the first (newest) key."""
    try:
        return _fernet().rotate(ciphertext.encode()).decode()
    except InvalidToken:
        raise CredentialsUnreadable(
            "the stored credentials cannot be decrypted with any configured key"
        ) from None

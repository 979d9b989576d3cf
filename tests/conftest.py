"""Shared fixtures. The suite runs on PostgreSQL when DATABASE_URL is set, else SQLite.

Tests that need a service (Redis, a real worker, PostgreSQL, Chromium) ask for it with
the fixtures below; they skip with the reason when it is missing, except under
REQUIRE_SERVICES=1 (CI), where a missing service fails the test instead.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from config.portal import roles
from tests.factories import TEST_PASSWORD, make_user, sign_in_verified

# Unit tests call tasks in-process; the end-to-end tests send them to a real worker.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"
CHROMIUM = "/usr/bin/chromium"


def missing_service(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing_service("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def real_broker(redis_url):
    """Tasks go to the real Redis broker (for a real worker), not run in-process."""
    from config.celery import app as celery_app

    previous = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    yield redis_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous


@pytest.fixture
def postgresql(db) -> None:
    if connection.vendor != "postgresql":
        missing_service("this test needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="session")
def chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing_service(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(autouse=True)
def _tmp_storage(settings, tmp_path):
    """Export files and media go to a per-test folder."""
    storages = dict(settings.STORAGES)
    storages["exports"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "exports")},
    }
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    settings.STORAGES = storages


@pytest.fixture(autouse=True)
def _public_cache_tokens():
    """Each test reads the public pages' change tokens afresh: those a previous test read were
    rolled back with it (config/portal/public_cache.py keeps them up to a second per process)."""
    from config.portal import public_cache

    public_cache.forget_tokens()
    yield
    public_cache.forget_tokens()


# One Fernet key for the whole run: the credentials of connected sites are encrypted with it.
TEST_CONNECTOR_KEY = "mZ5nJ0bJ2m1q8m3bXH0o8h2Hq1Vb7b9nq6l2G4xk0aE="


@pytest.fixture(autouse=True)
def _connector_keys(settings):
    settings.CONNECTOR_TOKEN_KEYS = [TEST_CONNECTOR_KEY]


@pytest.fixture
def comms_user(db):
    return make_user(roles.COMMUNICATIONS_OFFICE, username="comms")


@pytest.fixture
def tst_user(db):
    return make_user(roles.TECHNICAL_SERVICES, username="tst")


@pytest.fixture
def clerk_user(db):
    return make_user(roles.CITY_CLERK, username="clerk")


@pytest.fixture
def superuser(db):
    return make_user("admin", username="administrator")


@pytest.fixture
def plain_user(db):
    """Signed in, but holding no staff role."""
    return make_user(None, username="nobody")


@pytest.fixture
def client_as(client, db):
    """``client_as(user)`` signs the test client in as ``user``, second factor passed, and returns it."""

    def sign_in(user):
        return sign_in_verified(client, user)

    return sign_in


__all__ = ["TEST_PASSWORD", "settings"]

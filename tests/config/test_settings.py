"""Production settings: strict about secrets, clean under `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 30 + "-production-secret-key-for-the-settings-test-" + "z" * 20
CONNECTOR_KEY = "mZ5nJ0bJ2m1q8m3bXH0o8h2Hq1Vb7b9nq6l2G4xk0aE="


def _manage(*args, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0", DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres")
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY is required" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _manage("check", DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="social.citykankakee-il.gov",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        CONNECTOR_TOKEN_KEYS=CONNECTOR_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_connector_token_keys():
    result = _manage(
        "check",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="social.citykankakee-il.gov",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        CONNECTOR_TOKEN_KEYS="",
    )
    assert result.returncode != 0
    assert "moderation.E001" in result.stderr and "CONNECTOR_TOKEN_KEYS is not set" in result.stderr


def test_a_mistyped_boolean_stops_the_portal_with_the_variable_named():
    result = _manage("check", DEBUG="flase")
    assert result.returncode != 0
    assert "DEBUG='flase' is not a boolean" in result.stderr


def test_public_pages_may_not_be_kept_more_than_a_minute_behind_a_change():
    result = _manage("check", DEBUG="1", PUBLIC_CACHE_MAX_AGE="45", PUBLIC_CACHE_STALE_WHILE_REVALIDATE="30")
    assert result.returncode != 0
    assert "must be at most 60 (seconds)" in result.stderr
    result = _manage("check", DEBUG="1", PUBLIC_CACHE_TOKEN_SECONDS="soon")
    assert result.returncode != 0
    assert "PUBLIC_CACHE_TOKEN_SECONDS='soon' is not a number" in result.stderr

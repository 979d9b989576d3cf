"""Start a real ``celery worker`` against the test database and the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of the database the tests are using (pytest-django's test_<name>)."""
    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    user = params.get("USER") or "postgres"
    password = params.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{host}:{port}/{params['NAME']}"


def private_queue() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def service_env(redis_url: str, extra_env: dict | None = None) -> dict:
    """The environment of a worker or beat process: the test database, the real Redis."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "e2e-worker-secret-key-" + "x" * 40,
            "DEBUG": "1",
        }
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    env.update(extra_env or {})
    return env


@contextmanager
def celery_worker(
    redis_url: str,
    *,
    pool: str = "solo",
    extra_env: dict | None = None,
    log_path: Path | None = None,
    queue: str | None = None,
):
    """Run a worker on a queue of its own; yields (queue name, Popen).

    A private queue keeps this worker's tasks away from any other worker on the same
    Redis (another test run, a developer's worker).
    """
    queue = queue or private_queue()
    env = service_env(redis_url, extra_env)
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            f"--pool={pool}",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue, process
    finally:
        _stop(process)
        log.close()


@contextmanager
def celery_beat(redis_url: str, *, queue: str, every: float, folder: Path, extra_env: dict | None = None):
    """Run ``celery beat`` with the portal's capture entry only, ticking every ``every``
    seconds and sending to ``queue`` (tests/e2e/beat_app.py); yields (Popen, log path)."""
    env = service_env(redis_url, extra_env)
    env.update({"E2E_BEAT_QUEUE": queue, "E2E_BEAT_SECONDS": str(every)})
    log_path = folder / "beat.log"
    log = open(log_path, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.e2e.beat_app",
            "beat",
            "-s",
            str(folder / "celerybeat-schedule"),
            "--max-interval",
            str(max(1, int(every))),
            "-l",
            "DEBUG",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, log_path
    finally:
        _stop(process)
        log.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}")

"""The public FOIA pages under load: 50 concurrent clients for 60 s against gunicorn on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_foia REDIS_URL=redis://127.0.0.1:6379/3 \\
        python bench/public_foia_load.py [--clients 50 --seconds 60 --workers 4 --requests 500]

The database named by DATABASE_URL is created if missing and migrated; the run seeds approved
sites (the form lists them) and ``--requests`` FOIA requests, each with an acknowledgement letter
and a status link, then starts gunicorn (production settings: DEBUG off, Redis cache for the rate
limits, e-mail to Django's dummy backend) and drives it with an asyncio + httpx client per
simulated visitor. Each visitor loops over a mix: the request form (GET), a submission (GET the
form for its CSRF token, then POST it), a status page by its secret link, and a wrong link (404).
The rate limits are raised for the run (one address sends everything); the throttling itself is
tested in tests/records/foia_public/test_abuse.py.

Prints, per kind of request and overall: count, p50, p95, p99 (ms), and errors (any answer other
than the expected status, and any connection error or time-out). Goal: p95 <= 200 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _server_env(args) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        CONNECTOR_TOKEN_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        FOIA_SUBMISSIONS_PER_IP_PER_HOUR="1000000",
        FOIA_SUBMISSIONS_PER_ADDRESS_PER_DAY="1000000",
        LOG_LEVEL="WARNING",
    )
    return env


def seed(request_count: int) -> list[str]:
    """Approved sites and requests with a letter each; the status-page paths."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from config.portal import roles
    from records.foia import notifications
    from records.foia import services as foia_services
    from records.foia.letters import render_letter
    from records.models import FoiaRequest
    from sites_registry.models import Platform, Site

    user_model = get_user_model()
    clerk, _ = user_model.objects.get_or_create(username="bench-clerk")
    clerk.groups.add(Group.objects.get(name=roles.CITY_CLERK))
    platforms = list(Platform.objects.all())
    for index in range(30 - Site.objects.filter(state=Site.State.APPROVED).count()):
        Site.objects.create(
            platform=platforms[index % len(platforms)],
            account_name=f"Bench Department {index}",
            handle=f"bench-{index}-{secrets.token_hex(3)}",
            url=f"https://example.org/bench-{index}",
            department="Bench",
            state=Site.State.APPROVED,
        )
    existing = FoiaRequest.objects.filter(requester__email__startswith="bench-").count()
    for index in range(existing, request_count):
        with transaction.atomic():
            requester = foia_services.requester_find_or_create(
                actor=clerk, name=f"Bench Requester {index}", email=f"bench-{index}@example.org"
            )
            request = foia_services.foia_request_create(
                actor=clerk,
                requester=requester,
                received_on=timezone.localdate(),
                channel=FoiaRequest.Channel.WEB_FORM,
                description=f"Every comment about potholes, request {index}.",
            )
            subject, body = render_letter("acknowledgement", request, clerk=clerk)
            foia_services.foia_request_acknowledge(actor=clerk, request=request, subject=subject, body=body)
    return [
        notifications.status_link_issue(request)
        for request in FoiaRequest.objects.filter(requester__email__startswith="bench-")[:request_count]
    ]


class Stats:
    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.examples: list[str] = []

    def record(self, kind: str, started: float, ok: bool, detail: str = "") -> None:
        self.times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {detail}")


async def _timed(stats: Stats, kind: str, pending, expected: int) -> httpx.Response | None:
    """Await the request ``pending`` (a coroutine not yet started) and record its time and status."""
    started = time.perf_counter()
    try:
        response = await pending
    except httpx.HTTPError as exc:
        stats.record(kind, started, False, repr(exc))
        return None
    stats.record(kind, started, response.status_code == expected, f"HTTP {response.status_code}")
    return response


async def visitor(
    base: str,
    status_paths: list[str],
    site_ids: list[str],
    stats: Stats,
    until: float,
    seed_: int,
    think: float,
):
    rng = random.Random(seed_)
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        while time.perf_counter() < until:
            if think:
                # A person reads a page before the next one: uniform in [0, 2 x think].
                await asyncio.sleep(rng.uniform(0, 2 * think))
            roll = rng.random()
            if roll < 0.35:
                await _timed(stats, "GET form", client.get("/foia/request/"), 200)
            elif roll < 0.50:
                page = await _timed(stats, "GET form", client.get("/foia/request/"), 200)
                token = CSRF.search(page.text) if page is not None else None
                if token is None:
                    continue
                data = {
                    "csrfmiddlewaretoken": token.group(1),
                    "name": "Load Tester",
                    "email": f"load-{rng.randrange(10**9)}@example.org",
                    "kind": "individual",
                    "description": "Every comment removed from the City's pages in October. " * 5,
                    "is_commercial": "no",
                    "sites": rng.sample(site_ids, k=min(2, len(site_ids))),
                    "website": "",
                }
                await _timed(stats, "POST form", client.post("/foia/request/", data=data), 302)
            elif roll < 0.92:
                path = rng.choice(status_paths)
                await _timed(stats, "GET status", client.get(path), 200)
            else:
                wrong = "/foia/status/" + secrets.token_urlsafe(32) + "/"
                await _timed(stats, "GET wrong link", client.get(wrong), 404)


def cpu_per_page(status_path: str, repeat: int = 30) -> list[tuple[str, float]]:
    """CPU time (ms) of one page rendered in this process by Django's test client: what a request
    costs the server whatever else the machine runs (the load test's latencies include queueing)."""
    from django.test import Client

    from config.portal import roles  # noqa: F401  (settings loaded)

    client = Client()
    pages = [
        ("GET form", "/foia/request/"),
        ("GET status", status_path),
        ("GET wrong link", "/foia/status/" + "A" * 43 + "/"),
    ]
    measured = []
    for kind, path in pages:
        client.get(path)
        started = time.process_time()
        for _ in range(repeat):
            client.get(path)
        measured.append((kind, (time.process_time() - started) / repeat * 1000))
    return measured


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def drive(
    base: str, status_paths: list[str], site_ids: list[str], clients: int, seconds: int, think: float = 0.0
) -> Stats:
    stats = Stats()
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(visitor(base, status_paths, site_ids, stats, until, n, think) for n in range(clients))
    )
    return stats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument(
        "--think-ms",
        type=int,
        default=0,
        help="mean pause of a visitor between two requests (0: each client sends its next request at once)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (created if missing) and REDIS_URL.")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the rate limits count in the Redis cache, as in production.")
    _ensure_database(url)
    env = _server_env(args)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(env)  # the seeding below runs with the server's settings
    status_paths = seed(args.requests)
    from sites_registry.models import Site

    site_ids = [str(pk) for pk in Site.objects.filter(state=Site.State.APPROVED).values_list("pk", flat=True)]
    load_before = os.getloadavg()[0]
    port = _free_port()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/foia/request/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer")
        # Warm-up: every worker imports, connects and renders once.
        asyncio.run(drive(base, status_paths, site_ids, min(args.clients, 8), 3))
        stats = asyncio.run(
            drive(base, status_paths, site_ids, args.clients, args.seconds, args.think_ms / 1000)
        )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    total = [t for values in stats.times.values() for t in values]
    print(
        f"{args.clients} clients, {args.seconds} s, think time {args.think_ms} ms, gunicorn --workers "
        f"{args.workers}, PostgreSQL, {os.cpu_count()} CPUs, load average before the run "
        f"{load_before:.1f}"
    )
    print(f"{'kind':<16}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in sorted(stats.times):
        values = stats.times[kind]
        print(
            f"{kind:<16}{len(values):>8}{statistics.median(values):>9.1f}{_percentile(values, 0.95):>9.1f}"
            f"{_percentile(values, 0.99):>9.1f}{stats.errors.get(kind, 0):>8}"
        )
    errors = sum(stats.errors.values())
    p95 = _percentile(total, 0.95)
    p50, p99 = statistics.median(total), _percentile(total, 0.99)
    print(f"{'all':<16}{len(total):>8}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{errors:>8}")
    print(f"throughput {len(total) / args.seconds:.0f} requests/s; goal p95 <= 200 ms: "
          f"{'met' if p95 <= 200 else 'NOT met'} ({p95:.0f} ms); errors: {errors}")  # fmt: skip
    for example in stats.examples:
        print("  error:", example)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    print("server CPU per page, in process (ms): " + ", ".join(
        f"{kind} {cpu:.1f}" for kind, cpu in cpu_per_page(status_paths[0])
    ))  # fmt: skip


if __name__ == "__main__":
    main()

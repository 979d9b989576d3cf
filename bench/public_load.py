"""Load benchmark of the public pages under a crowd: prints figures, asserts nothing.

    apt-get install wrk          # the load tool (Debian package "wrk"; `make bench-tools`)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/public_load.py [--removals 100000] [--comments 1000000] \\
        [--clients 20] [--seconds 15] [--workers 3] [--reuse]

Builds a dedicated PostgreSQL database (the name of DATABASE_URL's database with
``_public_load`` appended; dropped and created again unless ``--reuse`` finds it built) holding
``--comments`` captured items on 12 official sites (2 more retired) and ``--removals`` removals of
those items over the last three years, one or two Sec. V categories each, some reinstated, some
awaiting second review; the rows are generated inside PostgreSQL with ``generate_series`` (no
history rows: no public page reads them). Then it collects the static files and serves the portal
with gunicorn (``--workers`` sync workers) in production settings (``DEBUG=0``, WhiteNoise for the
static files, Redis as the cache, behind a TLS proxy: the clients send ``X-Forwarded-Proto: https``
as nginx would), and drives ``--clients`` concurrent connections for ``--seconds`` seconds with
wrk against a static file, ``/``, ``/directory/``, ``/policies/``, ``/transparency/`` and
``/transparency/removals.csv``, one after the other. The clients accept gzip as browsers do
(WhiteNoise then serves the static file's .gz, the portal its pages' gzip form; ``--identity``:
they do not), send no ``If-None-Match`` and keep nothing, so every request is a full 200 (what a
crowd of first-time visitors costs; a browser or a proxy that revalidates gets a 304 and costs
less).

Prints for each: requests/s and its ratio to the static file's, p50 and p99 latency, errors
(socket errors, time-outs, non-2xx/3xx), bytes per response as sent; the goals (every public page at
least 0.5 of the static file, p99 at most 100 ms, no errors); then what the first request after
a change costs (a removal reinstated: the report's counts computed once, the pages rendered once),
and that the report served matches the database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
SITES = 12
RETIRED_SITES = 2
GOAL_RATIO = 0.5
GOAL_P99_MS = 100.0


def fail(message: str) -> None:
    print(f"public_load: {message}", file=sys.stderr)
    sys.exit(2)


def database_urls(base_url: str) -> tuple[str, str, str]:
    parsed = urlparse(base_url)
    if parsed.scheme not in ("postgres", "postgresql"):
        fail("DATABASE_URL must point at PostgreSQL (postgres://...).")
    name = f"{parsed.path.lstrip('/') or 'portal'}_public_load"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        fail(f"cannot derive a database name from {parsed.path!r}")
    bench = urlunparse(parsed._replace(path=f"/{name}"))
    admin = urlunparse(parsed._replace(path="/postgres"))
    return name, bench, admin


def psql_connect(url: str, **kwargs):
    import psycopg

    return psycopg.connect(url, **kwargs)


def database_built(name: str, bench_url: str, admin_url: str, removals: int) -> bool:
    with psql_connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return False
    with psql_connect(bench_url) as conn:
        try:
            count = conn.execute("SELECT count(*) FROM moderation_removal").fetchone()[0]
        except Exception:  # noqa: BLE001 - a half-built database is simply rebuilt
            return False
    return count == removals


def recreate_database(name: str, admin_url: str) -> None:
    with psql_connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_manage(env: dict, *arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def generate(bench_url: str, *, comments: int, removals: int) -> None:
    """The data set, generated inside PostgreSQL."""
    with psql_connect(bench_url) as conn:
        platforms = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM sites_registry_platform WHERE slug IN "
                "('facebook', 'x', 'instagram', 'youtube', 'nextdoor', 'linkedin') ORDER BY id"
            )
        ]
        user_id = conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined) "
            "VALUES ('!', false, 'bench-tst', '', '', '', false, true, now()) "
            "RETURNING id"
        ).fetchone()[0]
        departments = ["Mayor's Office", "Police", "Fire", "Public Works", "Parks", "Economic Development"]
        site_ids = []
        for number in range(SITES + RETIRED_SITES):
            platform = platforms[number % len(platforms)]
            state = "approved" if number < SITES else "retired"
            site_ids.append(
                conn.execute(
                    "INSERT INTO sites_registry_site (created_at, updated_at, platform_id, account_name, "
                    "handle, url, department, state, audiences, authorised_posters, contact_information, "
                    "last_certified_at) VALUES (now(), now(), %s, %s, %s, %s, %s, %s, '[]', '', '', now()) "
                    "RETURNING id",
                    [
                        platform,
                        f"City of Kankakee {departments[number % len(departments)]} {number}",
                        f"kankakee{number}",
                        f"https://example.com/kankakee{number}",
                        departments[number % len(departments)],
                        state,
                    ],
                ).fetchone()[0]
            )
        site_array = "ARRAY[" + ",".join(str(site) for site in site_ids[:SITES]) + "]::bigint[]"
        print(f"  generating {comments:,} captured items ...", flush=True)
        conn.execute(
            "INSERT INTO moderation_commenter (created_at, updated_at, platform_id, platform_user_id, "
            "display_name, profile_url) SELECT now(), now(), %s, 'bench-' || g, 'Resident ' || g, '' "
            "FROM generate_series(1, 5000) AS g",
            [platforms[0]],
        )
        first_commenter = conn.execute("SELECT min(id) FROM moderation_commenter").fetchone()[0]
        conn.execute(
            f"""
            INSERT INTO moderation_comment
                (created_at, updated_at, site_id, platform_item_id, kind, parent_id, author_id, text,
                 posted_at, captured_at, permalink, raw_payload, payload_sha256, platform_state,
                 parent_platform_item_id, from_city, edit_count, asks_for_response, content_sha256,
                 posted_at_derived)
            SELECT now(), now(), ({site_array})[1 + g %% {SITES}], 'item-' || g, 'comment', NULL,
                   %(commenter)s + g %% 5000,
                   'Comment number ' || g || ' about the city budget and the parks',
                   now() - (g %% 1095) * interval '1 day' - (g %% 86400) * interval '1 second',
                   now(), '', payload, encode(sha256(convert_to(payload, 'UTF8')), 'hex'), 'visible',
                   '', false, 0, false, encode(sha256(convert_to(payload, 'UTF8')), 'hex'), false
            FROM (SELECT g, '{{"id": "item-' || g || '", "message": "Comment number ' || g || '"}}' AS payload
                  FROM generate_series(1, %(count)s) AS g) AS source
            """,
            {"commenter": first_commenter, "count": comments},
        )
        print(f"  generating {removals:,} removals ...", flush=True)
        every = max(1, comments // removals)
        # One removal per ``every``-th item, made an hour after it was posted; categories by number;
        # one in ten in a viewpoint-sensitive category (a third of those still awaiting second
        # review), one in twenty reinstated.
        conn.execute(
            f"""
            INSERT INTO moderation_removal
                (created_at, updated_at, action, reason, removed_at, retained_platform_item_id, retained_text,
                 retained_posted_at, retained_poster_id, retained_poster_name, retained_poster_profile_url,
                 retained_permalink, retained_sha256, review_status, reviewed_at, review_note, reinstated_at,
                 reinstatement_reason, comment_id, reinstated_by_id, removed_by_id, reviewed_by_id, site_id)
            SELECT now(), now(), CASE WHEN c.id / {every} % 3 = 0 THEN 'deleted' ELSE 'hidden' END,
                   'Content-neutral reason under Sec. V.', c.posted_at + interval '1 hour',
                   c.platform_item_id, c.text, c.posted_at, 'bench', 'Resident', '', '', c.content_sha256,
                   CASE WHEN c.id / {every} % 10 = 0
                        THEN (CASE WHEN c.id / {every} % 30 = 0 THEN 'pending' ELSE 'upheld' END)
                        ELSE 'not_required' END,
                   NULL, '', CASE WHEN c.id / {every} % 20 = 1 THEN c.posted_at + interval '2 days' END,
                   CASE WHEN c.id / {every} % 20 = 1 THEN 'Reinstated after review.' ELSE '' END,
                   c.id, NULL, {user_id}, NULL, c.site_id
            FROM moderation_comment AS c
            WHERE c.id % {every} = 0
            ORDER BY c.id
            LIMIT {removals}
            """
        )
        conn.execute(
            """
            INSERT INTO moderation_removalcategory (created_at, updated_at, category, removal_id)
            SELECT now(), now(),
                   CASE WHEN r.review_status <> 'not_required'
                        THEN (ARRAY['off_topic', 'false_misleading', 'political_campaign'])[1 + r.id % 3]
                        ELSE (ARRAY['threats_harassment', 'defamation', 'hate_speech', 'profane_obscene',
                                    'violence_or_law', 'impersonation', 'commercial', 'privacy',
                                    'public_safety', 'copyright', 'cyber_attack'])[1 + r.id % 11] END,
                   r.id
            FROM moderation_removal AS r
            UNION ALL
            SELECT now(), now(), 'privacy', r.id FROM moderation_removal AS r
            WHERE r.id % 7 = 0 AND r.review_status = 'not_required' AND 1 + r.id % 11 <> 8
            """
        )
        conn.execute(
            "UPDATE moderation_comment SET platform_state = 'hidden' WHERE id IN "
            "(SELECT comment_id FROM moderation_removal WHERE reinstated_at IS NULL)"
        )
        conn.commit()
    with psql_connect(bench_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def parse_duration_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


ACCEPT_ENCODING = {"Accept-Encoding": "gzip"}  # as every browser sends; --identity: none


def run_wrk(url: str, *, clients: int, seconds: int, threads: int) -> dict:
    headers = [item for name, value in ACCEPT_ENCODING.items() for item in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-H",
            "X-Forwarded-Proto: https",
            *headers,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percent in ("50", "99"):
        result[f"p{percent}"] = parse_duration_ms(
            re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE).group(1)
        )
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    result["requests"] = requests
    errors = 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        errors += sum(int(value) for value in socket.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    result["errors"] = errors
    return result


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict, float]:
    request = urllib.request.Request(
        url, headers={"X-Forwarded-Proto": "https", **ACCEPT_ENCODING, **(headers or {})}
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            return response.status, body, dict(response.headers), (time.perf_counter() - start) * 1000
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers), (time.perf_counter() - start) * 1000


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail("gunicorn stopped before it answered")
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    fail(f"gunicorn did not answer {url} within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--removals", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it is already built")
    parser.add_argument(
        "--identity", action="store_true", help="clients that do not accept gzip (static files neither)"
    )
    args = parser.parse_args()
    if args.identity:
        ACCEPT_ENCODING.clear()
    if args.removals > args.comments:
        fail("--removals cannot exceed --comments (one removal per captured item)")
    if shutil.which("wrk") is None:
        fail("wrk is not installed: apt-get install wrk")
    base_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not base_url:
        fail("set DATABASE_URL (PostgreSQL)")
    if not redis_url:
        fail("set REDIS_URL: production keeps its cache in Redis, shared by the gunicorn workers")
    name, bench_url, admin_url = database_urls(base_url)

    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "CONNECTOR_TOKEN_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BEHIND_TLS_PROXY": "1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "LOG_LEVEL": "WARNING",
    }
    print(f"database {name}: {args.comments:,} captured items, {args.removals:,} removals")
    if args.reuse and database_built(name, bench_url, admin_url, args.removals):
        print("  reusing the database built before")
    else:
        started = time.perf_counter()
        recreate_database(name, admin_url)
        run_manage(env, "migrate", "--verbosity", "0")
        generate(bench_url, comments=args.comments, removals=args.removals)
        print(f"  built in {time.perf_counter() - started:.0f} s")

    static_root = Path(tempfile.mkdtemp(prefix="public-load-static-"))
    env["STATIC_ROOT"] = str(static_root)
    run_manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    static_path = "/static/" + manifest["paths"]["css/portal.css"]

    base = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(f"{base}/directory/", gunicorn)
        measure(args, base, static_path, bench_url)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        shutil.rmtree(static_root, ignore_errors=True)


def measure(args, base: str, static_path: str, bench_url: str) -> None:
    pages = [
        ("static file", static_path),  # css/portal.css, through WhiteNoise like every static file
        ("home", "/"),
        ("directory", "/directory/"),
        ("policies", "/policies/"),
        ("transparency", "/transparency/"),
        ("transparency CSV", "/transparency/removals.csv"),
    ]
    print("\nfirst requests after start (computing once, then from the cache):")
    for label, path in pages[1:]:
        status, body, headers, first = fetch(base + path)
        again = fetch(base + path)[3]
        for _warm in range(4 * args.workers):  # every worker has imported and loaded its templates
            fetch(base + path)
        print(
            f"  {label:<18} {status} {len(body):>9,} bytes  first {first:8.1f} ms  then {again:6.1f} ms  "
            f"Cache-Control: {headers.get('Cache-Control')}"
        )
        if status != 200:
            fail(f"{path} answered {status}")
    print(
        f"\n{args.clients} concurrent clients, {args.seconds} s per page, "
        f"gunicorn {args.workers} sync workers\n"
    )
    header = (
        f"{'page':<18} {'req/s':>9} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'bytes':>9}  goal"
    )
    print(header)
    print("-" * len(header))
    # The machine may be shared: each page runs right after a run of the static file, and its ratio
    # is to that run, so a change of load between pages does not pass for a difference between them.
    misses = []
    static_size = len(fetch(base + static_path)[1])
    for label, path in pages[1:]:
        static = run_wrk(base + static_path, clients=args.clients, seconds=args.seconds, threads=args.threads)
        print(row("static file", static, 1.0, static_size, "(the next line's baseline)"))
        size = len(fetch(base + path)[1])
        result = run_wrk(base + path, clients=args.clients, seconds=args.seconds, threads=args.threads)
        ratio = result["rps"] / static["rps"]
        problems = []
        if ratio < GOAL_RATIO:
            problems.append(f"ratio < {GOAL_RATIO}")
        if result["p99"] > GOAL_P99_MS:
            problems.append(f"p99 > {GOAL_P99_MS:.0f} ms")
        if result["errors"]:
            problems.append("errors")
        if problems:
            misses.append(label)
        print(row(label, result, ratio, size, "met" if not problems else "MISSED: " + ", ".join(problems)))
    print(
        f"\ngoals (each page >= {GOAL_RATIO} of static, p99 <= {GOAL_P99_MS:.0f} ms, no errors): "
        + ("all met" if not misses else "missed on " + ", ".join(misses))
    )

    # A change: one removal reinstated. The next request computes the report once; the page is right.
    with psql_connect(bench_url) as conn:
        conn.execute(
            "UPDATE moderation_removal SET reinstated_at = now(), reinstatement_reason = 'Bench change.' "
            "WHERE id = (SELECT min(id) FROM moderation_removal WHERE reinstated_at IS NULL "
            "AND removed_at >= date_trunc('year', now() AT TIME ZONE 'America/Chicago') "
            "AT TIME ZONE 'America/Chicago')"
        )
        conn.commit()
        year = conn.execute("SELECT extract(year FROM now() AT TIME ZONE 'America/Chicago')::int").fetchone()[
            0
        ]
        expected_total, expected_reinstated = conn.execute(
            "SELECT count(*), count(reinstated_at) FROM moderation_removal "
            "WHERE extract(year FROM removed_at AT TIME ZONE 'America/Chicago') = %s",
            [year],
        ).fetchone()
    # Each worker re-reads the change tokens at most PUBLIC_CACHE_TOKEN_SECONDS after its last read:
    # ask until the page shows the change, and say how long that took.
    changed = time.perf_counter()
    while True:
        status, body, _headers, after_change = fetch(f"{base}/transparency/", {"Accept-Encoding": "identity"})
        shown = report_figures(body.decode())
        if shown == (expected_total, expected_reinstated) or time.perf_counter() - changed > 70:
            break
        time.sleep(0.05)
    seen_after = (time.perf_counter() - changed) * 1000
    again = fetch(f"{base}/transparency/")[3]
    print(
        f"\nafter a reinstatement: /transparency/ showed it {seen_after:.0f} ms after the commit; "
        f"that request {after_change:.1f} ms (counts computed once), the next {again:.1f} ms"
    )
    print(
        f"  report for {year}: {shown[0]} removals, {shown[1]} reinstated; database: {expected_total} "
        f"removals, {expected_reinstated} reinstated -> "
        + ("matches" if shown == (expected_total, expected_reinstated) else "DIFFERS")
    )


def row(label: str, result: dict, ratio: float, size: int, verdict: str) -> str:
    return (
        f"{label:<18} {result['rps']:>9.1f} {ratio:>6.2f} {result['p50']:>8.2f} {result['p99']:>8.2f} "
        f"{result['errors']:>7} {size:>9,}  {verdict}"
    )


def report_figures(text: str) -> tuple[int | None, int]:
    """The year's total and the sum of the "later reinstated" column, as the page shows them."""
    total = re.search(r"(\d+) removals? in \d{4}", text)
    cells = re.findall(r'<th scope="row">[A-Z][a-z]+ \d{4}</th><td>\d+</td><td>(\d+)</td>', text)
    return (int(total.group(1)) if total else None), sum(int(cell) for cell in cells)


if __name__ == "__main__":
    main()

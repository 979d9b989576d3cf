"""Connector capture benchmark (PostgreSQL): one capture round of YouTube sites from a local
server answering in the Data API's shapes, against importing the very same pages as files;
and the peak memory of a capturing process. Not part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/capture_connectors.py [--sites 20 --comments 50000] [--quick]

It writes, for each site, the pages YouTube would answer (``commentThreads.list`` of the
channel, 100 threads a page, each thread with up to 5 of its replies; ``comments.list`` of
every thread with replies), pretty-printed as the API sends them, with residents' texts from
bench/dataset.py, all posted in the last 25 days (inside the daily re-scan's window). A
local server (tests/fakeplatform) serves those files byte for byte. Then:

* capture: each site connected (``site_connect``) and captured once by the scheduled task's
  own function (``moderation.capture_site``: the engine, a re-scan, as a worker runs the
  first capture of a site), one process per site, one after the other; items/s and each
  process's peak RSS (``getrusage`` of the child: the worker's high-water mark);
* files: the same pages, as files, through ``manage.py import_captures --format youtube``
  (one process per site, every page of the site, in the order the engine fetched them),
  into a fresh copy of the database taken before any capture (so neither path finds the
  other's commenters or items); items/s and peak RSS;
* the ratio, and a check that both databases hold the same items (ids, kinds, texts,
  payloads, parents, states, who wrote them).

``--profile`` runs the first site's capture under cProfile and prints where its time went.
Each database is (re)created: ``--bench-db`` (default ``portal_connectors_bench``) and
``<bench-db>_files``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.capture_benchmark import database_url, recreate_database  # noqa: E402

TOKEN = "bench-youtube-token"
PAGE_SIZE = 100  # YouTube's maxResults limit, as the connector asks
REPLIES_IN_THREAD = 5
WINDOW_DAYS = 25


def channel_of(n: int) -> str:
    return "UC" + f"KankakeeBench{n:02d}".ljust(22, "0")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _replies_count(rng: random.Random) -> int:
    """Most comments get no reply; a few start a conversation (about 30% of items are replies)."""
    roll = rng.random()
    if roll < 0.82:
        return 0
    if roll < 0.94:
        return rng.randint(1, 3)
    if roll < 0.985:
        return rng.randint(4, 10)
    return rng.randint(11, 40)


class SitePages:
    """The pages of one site's channel, written to ``folder``: ``a-threads-NNNNNN.json`` and
    ``b-replies-NNNNNN.json``, whose sorted names are the order the engine fetches them."""

    def __init__(self, folder: Path, n: int, items: int, now: datetime, seed: int = 2019_70):
        self.folder = folder
        self.n = n
        self.items = items
        self.channel = channel_of(n)
        self.handle = f"KankakeeBench{n:02d}"
        self.now = now
        self.rng = random.Random(seed * 100 + n)
        # (path, channel or parent id, page token) -> file
        self.routes: dict[tuple[str, str, str], Path] = {}
        self.thread_pages = 0
        self.reply_pages = 0
        self.bytes = 0

    def _comment(self, comment_id: str, published: datetime, video: str, *, parent: str = "", city=False):
        from bench.dataset import _text

        text = _text(self.rng)
        if city:
            author_id, name = self.channel, f"@{self.handle}"
        else:
            user = self.rng.randint(1, max(10, self.items // 20))
            author_id, name = f"UC{self.n:02d}resident{user:012d}", f"@resident{user}"
        updated = published
        if self.rng.random() < 0.03:
            updated = min(self.now, published + timedelta(minutes=self.rng.randint(1, 600)))
        snippet = {
            "channelId": self.channel,
            "videoId": video,
            "textDisplay": html.escape(text, quote=False).replace("\n", "<br>"),
            "textOriginal": text,
            "authorDisplayName": name,
            "authorProfileImageUrl": "https://yt3.ggpht.com/a/default-user=s48-c-k-c0xffffffff-no-rj-mo",
            "authorChannelUrl": f"http://www.youtube.com/channel/{author_id}",
            "authorChannelId": {"value": author_id},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": self.rng.randint(0, 3),
            "publishedAt": _iso(published),
            "updatedAt": _iso(updated),
        }
        if parent:
            snippet["parentId"] = parent
        return {
            "kind": "youtube#comment",
            "etag": f"e{self.rng.getrandbits(64):016x}",
            "id": comment_id,
            "snippet": snippet,
        }

    def _write(self, name: str, body: dict) -> Path:
        path = self.folder / name
        data = json.dumps(body, ensure_ascii=False, indent=2).encode()
        path.write_bytes(data)
        self.bytes += len(data)
        return path

    def _page(self, kind: str, items: list, total: int, token: str) -> dict:
        body = {"kind": kind, "etag": f"e{self.rng.getrandbits(64):016x}"}
        if token:
            body["nextPageToken"] = token
        body["pageInfo"] = {"totalResults": total, "resultsPerPage": PAGE_SIZE}
        body["items"] = items
        return body

    def write(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Thread sizes first: the number of threads is what makes ``items`` items in all.
        sizes, left = [], self.items
        while left > 0:
            replies = min(_replies_count(self.rng), left - 1)
            sizes.append(replies)
            left -= 1 + replies
        threads = len(sizes)
        step = timedelta(days=WINDOW_DAYS) / threads
        videos = [f"v{self.n:02d}{k:08d}" for k in range(max(1, threads // 150))]
        page, page_token = [], ""
        for index, replies in enumerate(sizes):
            published = self.now - step * (index + 1)  # newest first, as order=time lists them
            thread_id = f"Ug{self.n:02d}x{index:010d}AaABAg"
            video = videos[index % len(videos)]
            top = self._comment(thread_id, published, video)
            item = {
                "kind": "youtube#commentThread",
                "etag": f"e{self.rng.getrandbits(64):016x}",
                "id": thread_id,
                "snippet": {
                    "channelId": self.channel,
                    "videoId": video,
                    "topLevelComment": top,
                    "canReply": True,
                    "totalReplyCount": replies,
                    "isPublic": True,
                },
            }
            if replies:
                span = (self.now - published).total_seconds()
                times = sorted(
                    published + timedelta(seconds=self.rng.random() * span) for _ in range(replies)
                )
                resources = [
                    self._comment(
                        f"{thread_id}.{r:04d}AaABAg",
                        when,
                        video,
                        parent=thread_id,
                        city=self.rng.random() < 0.03,
                    )
                    for r, when in enumerate(times)
                ]
                item["replies"] = {"comments": resources[:REPLIES_IN_THREAD]}
                self._write_replies(thread_id, resources)
            page.append(item)
            if len(page) == PAGE_SIZE or index == threads - 1:
                number = self.thread_pages
                token = f"QURTSl9p{number + 1:06d}" if index < threads - 1 else ""
                path = self._write(
                    f"a-threads-{number:06d}.json",
                    self._page("youtube#commentThreadListResponse", page, threads, token),
                )
                self.routes[("/commentThreads", self.channel, page_token)] = path
                self.thread_pages += 1
                page, page_token = [], token

    def _write_replies(self, thread_id: str, resources: list) -> None:
        token = ""
        for start in range(0, len(resources), PAGE_SIZE):
            chunk = resources[start : start + PAGE_SIZE]
            following = f"Z{thread_id[-14:]}{start + PAGE_SIZE}" if start + PAGE_SIZE < len(resources) else ""
            path = self._write(
                f"b-replies-{self.reply_pages:06d}.json",
                self._page("youtube#commentListResponse", chunk, len(resources), following),
            )
            self.routes[("/comments", thread_id, token)] = path
            self.reply_pages += 1
            token = following


def fake_youtube(routes: dict):
    """The API over the written pages: each request answered with its file, byte for byte."""
    from tests.fakeplatform import FakeApp, Request, Response
    from tests.fakeplatform.youtube import google_error

    class BenchYouTube(FakeApp):
        token = TOKEN

        def handle(self, request: Request) -> Response | None:
            if request.token != self.token:
                return Response(401, google_error(401, "authError", "Invalid Credentials"))
            if request.path == "/commentThreads":
                key = request.query.get("allThreadsRelatedToChannelId", "")
            elif request.path == "/comments":
                key = request.query.get("parentId", "")
            else:
                return None
            path = routes.get((request.path, key, request.query.get("pageToken", "")))
            if path is None:
                return Response(404, google_error(404, "notFound", "Not found"))
            return Response(200, path.read_bytes())

    return BenchYouTube()


# Starts the measured process and writes its peak RSS to a file. A process's high-water mark
# (``ru_maxrss``) starts at that of the process it was started from: measured straight from
# this one (which holds the server's routes), every child would show this process's size.
# Started from this small launcher, it shows its own.
LAUNCHER = (
    "import os, subprocess, sys; process = subprocess.Popen(sys.argv[2:]); "
    "_pid, status, usage = os.wait4(process.pid, 0); "
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss)); sys.exit(os.waitstatus_to_exitcode(status) & 255)"
)


def run_measured(command: list[str], env: dict) -> tuple[float, float, str]:
    """(seconds, peak RSS MiB, stdout) of one child process, which must succeed."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-c", LAUNCHER, peak.name, *command], env=env, stdout=out, stderr=err
        )
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode:
            sys.exit(f"{' '.join(command[:4])}… failed:\n{err.read()[-3000:]}")
        return seconds, int(peak.read()) / 1024, out.read()


def child_capture(site_id: int, profile: str) -> None:
    """In a child process: what a worker does with ``capture_site(site_id)``."""
    import django

    django.setup()
    from moderation.connectors.tasks import capture_site
    from moderation.models import CaptureRun

    if profile:
        import cProfile

        cProfile.runctx(
            "capture_site(site_id)",
            globals(),
            {"capture_site": capture_site, "site_id": site_id},
            filename=profile,
        )
    else:
        capture_site(site_id)  # the task's own function, as the worker calls it
    run = CaptureRun.objects.filter(site_id=site_id).order_by("-started_at").first()
    print(
        json.dumps(
            {
                "outcome": run.outcome,
                "error": run.error,
                "pages": run.pages,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "deletions": run.deletions_found,
                "listings": run.listings_complete,
            }
        )
    )


ITEMS_DIGEST = """
    SELECT count(*), coalesce(sum(hashtext(concat_ws('|', c.site_id, c.platform_item_id, c.kind, c.text,
        c.raw_payload, c.parent_platform_item_id, p.platform_item_id, c.platform_state, c.from_city,
        c.permalink, c.posted_at, a.platform_user_id))::bigint), 0)
    FROM moderation_comment c
    LEFT JOIN moderation_comment p ON p.id = c.parent_id
    LEFT JOIN moderation_commenter a ON a.id = c.author_id
"""


def digest(url: str) -> tuple[int, int, int, int]:
    """(items, digest of what they hold, history rows, commenters) in the database at ``url``."""
    import psycopg

    with psycopg.connect(url) as conn:
        items, value = conn.execute(ITEMS_DIGEST).fetchone()
        history = conn.execute("SELECT count(*) FROM moderation_historicalcomment").fetchone()[0]
        commenters = conn.execute("SELECT count(*) FROM moderation_commenter").fetchone()[0]
    return items, int(value), history, commenters


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--comments", type=int, default=50_000, help="Items per site (comments and replies)")
    parser.add_argument("--quick", action="store_true", help="A quick check: 3 sites x 5,000 items")
    parser.add_argument("--bench-db", default="portal_connectors_bench")
    parser.add_argument("--workdir", default="", help="Folder for the pages (default: a temp folder)")
    parser.add_argument("--profile", action="store_true", help="Profile the first site's capture (cProfile)")
    parser.add_argument("--child-capture", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_capture:
        child_capture(args.child_capture, args.child_profile)
        return
    if args.quick:
        args.sites, args.comments = 3, 5_000

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (any database on it; the bench creates its own).")
    from cryptography.fernet import Fernet

    files_db = f"{args.bench_db}_files"
    recreate_database(base, args.bench_db)
    env = dict(
        os.environ,
        DATABASE_URL=database_url(base, args.bench_db),
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        CONNECTOR_TOKEN_KEYS=Fernet.generate_key().decode(),
        PYTHONPATH=str(ROOT),
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)  # tasks in-process; capture_site is called directly
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env)

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="connectors-bench-"))
    total = args.sites * args.comments
    print(f"Pages of {args.sites} YouTube channels x {args.comments:,} items ({total:,}) -> {workdir}")
    started = time.perf_counter()
    now = datetime.now(UTC).replace(microsecond=0)
    sites_pages = []
    routes: dict = {}
    for n in range(args.sites):
        pages = SitePages(workdir / f"site-{n:02d}", n, args.comments, now)
        pages.write()
        routes.update(pages.routes)
        sites_pages.append(pages)
    thread_pages = sum(p.thread_pages for p in sites_pages)
    reply_pages = sum(p.reply_pages for p in sites_pages)
    size = sum(p.bytes for p in sites_pages) / 1024**2
    print(
        f"  {thread_pages:,} commentThreads pages, {reply_pages:,} comments pages, {size:,.0f} MiB, "
        f"written in {time.perf_counter() - started:.1f} s"
    )

    # The measured processes run as in production (DEBUG off: Django keeps no log of queries).
    child_env = dict(env, DEBUG="0", SECRET_KEY=Fernet.generate_key().decode() * 2)

    from tests.fakeplatform import FakePlatformServer

    server = FakePlatformServer()
    # Headers and body go out in two writes: with Nagle's algorithm on, the body waits for the
    # client's delayed ACK of the headers (40 ms a page on Linux), which no real API costs.
    server.httpd.RequestHandlerClass.disable_nagle_algorithm = True
    server.start()
    env["YOUTUBE_API_URL"] = child_env["YOUTUBE_API_URL"] = server.mount("youtube", fake_youtube(routes))
    os.environ.update(env)

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from moderation.connectors import services
    from sites_registry.models import Platform, Site

    platform, _ = Platform.objects.get_or_create(
        slug="youtube", defaults={"name": "YouTube", "domains": ["youtube.com"]}
    )
    admin = User.objects.create_superuser("bench-admin", "bench-admin@example.org", None)
    sites = []
    for pages in sites_pages:
        site = Site.objects.create(
            platform=platform,
            handle=pages.handle,
            account_name=f"Kankakee benchmark channel {pages.n:02d}",
            url=f"https://www.youtube.com/@{pages.handle}",
            department="Benchmark",
            state=Site.State.APPROVED,
        )
        services.site_connect(
            actor=admin,
            site=site,
            account_id=pages.channel,
            credentials={"access_token": TOKEN},
            method="token",
        )
        sites.append(site)
    connection.close()
    # The files' database: this one as it is now (sites, no items), so both start alike.
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{files_db}"')
        conn.execute(f'CREATE DATABASE "{files_db}" TEMPLATE "{args.bench_db}"')

    # -- capture: one process per site, as a worker runs capture_site ------------------------
    print()
    capture_seconds, capture_peak, runs = 0.0, 0.0, []
    for index, site in enumerate(sites):
        command = [sys.executable, __file__, "--child-capture", str(site.pk)]
        profile = ""
        if args.profile and index == 0:
            profile = str(workdir / "capture.prof")
            command += ["--child-profile", profile]
        seconds, peak, out = run_measured(command, child_env)
        run = json.loads(out.strip().splitlines()[-1])
        if run["outcome"] != "succeeded":
            sys.exit(f"the capture of {site} did not succeed: {run}")
        capture_seconds += seconds
        capture_peak = max(capture_peak, peak)
        runs.append(run)
        server.requests.clear()
        print(
            f"  captured {site.handle}: {seconds:6.1f} s, peak {peak:4.0f} MiB, {run['pages']:,} pages, "
            f"{run['created']:,} new, {run['unchanged']:,} unchanged" + (" (profiled)" if profile else ""),
            flush=True,
        )
    server.stop()

    # -- files: the same pages through import_captures, one process per site -----------------
    files_env = dict(child_env, DATABASE_URL=database_url(base, files_db))
    import_seconds, import_peak = 0.0, 0.0
    for pages, site in zip(sites_pages, sites, strict=True):
        names = sorted(str(p) for p in pages.folder.iterdir())
        seconds, peak, _out = run_measured(
            [*manage, "import_captures", "--site", str(site.pk), "--format", "youtube", *names], files_env
        )
        import_seconds += seconds
        import_peak = max(import_peak, peak)
        print(
            f"  imported {site.handle}: {seconds:6.1f} s, peak {peak:4.0f} MiB, {len(names):,} files",
            flush=True,
        )

    captured = digest(database_url(base, args.bench_db))
    imported = digest(database_url(base, files_db))
    capture_rate = total / capture_seconds
    import_rate = total / import_seconds
    pages_fetched = sum(r["pages"] for r in runs)
    print()
    print(f"Items: {total:,} in {args.sites} sites; {pages_fetched:,} pages fetched by the captures")
    print(
        f"Capture (moderation.capture_site: engine, HTTP to the local server): {capture_rate:,.0f} items/s "
        f"({capture_seconds:.1f} s, {pages_fetched / capture_seconds:,.0f} pages/s)"
    )
    print(f"import_captures of the same pages as files: {import_rate:,.0f} items/s ({import_seconds:.1f} s)")
    print(f"Ratio capture / file import: {capture_rate / import_rate:.2f} (goal >= 0.7)")
    print(f"Peak memory of a capturing process: {capture_peak:.0f} MiB max RSS (goal <= 150 MiB)")
    print(f"Peak memory of an import process: {import_peak:.0f} MiB max RSS")
    same = captured[:2] == imported[:2]
    print(
        f"Same items either way: {'yes' if same else 'NO'} (captured {captured[0]:,} items, "
        f"{captured[2]:,} history rows, {captured[3]:,} commenters; imported {imported[0]:,} items, "
        f"{imported[2]:,} history rows, {imported[3]:,} commenters)"
    )
    if args.profile:
        import pstats

        print()
        print("Where the first site's capture spent its time (cProfile, by own time):")
        pstats.Stats(str(workdir / "capture.prof")).sort_stats("tottime").print_stats(25)
        print("... and cumulative:")
        pstats.Stats(str(workdir / "capture.prof")).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()

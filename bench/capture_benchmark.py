"""Capture benchmark (PostgreSQL): import speed against raw COPY, import memory, search
and queue latency. Not part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/capture_benchmark.py --comments 1000000

It (re)creates the database ``--bench-db`` (default ``portal_capture_bench``) on that
server, migrates it, generates the data set (bench/dataset.py: 20 sites, 5 calendar years,
comments, replies and City posts), and prints:

* import rows/s through ``manage.py import_captures`` (one process per site file, history
  rows included), against raw ``COPY`` of the same rows into a bare table, and the ratio;
* the floor under any import: COPY of the rows the import wrote (items and their history
  rows) into tables of the real shape, step by step: indexes and history, then the stored
  search vector, then the foreign keys; each as a fraction of the bare COPY;
* peak memory (max RSS) of the import processes;
* a second import of one file (every row detected as unchanged) and a recapture with
  edits, hidden and deleted items (updates with history);
* p50/p95 of a full-text search, top 50 newest first, over several words and a phrase;
* p50/p95 of the TST queue page (the whole view: query, hints, template) as a TST user;
* hostile and oversized files (a 50 MiB string in an item, nesting 100,000 deep, in JSON
  Lines, a Facebook response and an X archive; items of the longest text allowed), each
  through ``import_captures`` in its own process: refused or not, the message, seconds and
  peak memory; and the private-information detector and screening hints on crafted
  100,000-character texts. ``--hostile-only`` runs this part alone, on its own database
  (``<bench-db>_hostile``), in a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = (
    "pothole",
    "snow plow",
    '"water main"',
    "parade -fireworks",
    "sinkhole",
    "council budget",
    "street",
)


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def recreate_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--bench-db", default="portal_capture_bench")
    parser.add_argument(
        "--workdir", default="", help="Folder for the generated files (default: a temp folder)"
    )
    parser.add_argument("--samples", type=int, default=60, help="Timed runs per latency figure")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="Reuse the data already in --bench-db: only the search and queue timings",
    )
    parser.add_argument(
        "--hostile-only",
        action="store_true",
        help="Only the hostile and oversized files and the crafted texts (own database, quick)",
    )
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (any database on it; the bench creates its own).")
    if args.hostile_only:
        # Its own database: a quick run must not drop the million items of the full one.
        args.bench_db = f"{args.bench_db}_hostile"
    if not args.measure_only:
        recreate_database(base, args.bench_db)
    env = dict(os.environ, DATABASE_URL=database_url(base, args.bench_db), DEBUG="1")
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env)

    import django

    django.setup()
    from django.db import connection

    from bench import dataset

    if args.measure_only:
        measure_latency(args)
        return
    if args.hostile_only:
        measure_hostile(args, manage, env)
        return
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="capture-bench-"))
    print(f"Data set: {args.comments:,} items, {args.sites} sites, {args.years} calendar years -> {workdir}")
    started = time.perf_counter()
    files = dataset.write_files(workdir, comments=args.comments, sites=args.sites, years=args.years)
    print(f"  generated in {time.perf_counter() - started:.1f} s")
    sites = dataset.ensure_sites([spec for spec, _ in files["captures"]])

    # -- raw COPY of the same rows into a bare table ------------------------------------
    copy_file = workdir / "copy-rows.tsv"
    with copy_file.open("w", encoding="utf-8") as out:
        for spec, path in files["captures"]:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    item = json.loads(line)
                    row = (
                        str(sites[spec.index].pk),
                        item["id"],
                        item.get("kind", ""),
                        item.get("parent_id", ""),
                        (item.get("author") or {}).get("id", ""),
                        item["text"],
                        item["posted_at"],
                        line.rstrip("\n"),
                    )
                    out.write("\t".join(_copy_escape(value) for value in row) + "\n")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_copy_target (site_id integer, platform_item_id text, kind text, "
            "parent_platform_item_id text, author_id text, text text, posted_at timestamptz, "
            "raw_payload text)"
        )
    started = time.perf_counter()
    with connection.cursor() as cursor, copy_file.open("rb") as handle:
        with cursor.copy("COPY bench_copy_target FROM STDIN") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    copy_seconds = time.perf_counter() - started
    copy_rate = args.comments / copy_seconds
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_target")
    copy_file.unlink()

    # -- import through import_captures, one process per site file ----------------------
    started = time.perf_counter()
    peak_kib = 0
    for spec, path in files["captures"]:
        process = subprocess.Popen(
            [*manage, "import_captures", "--site", str(sites[spec.index].pk), "--format", "jsonl", str(path)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            sys.exit(f"import_captures failed on {path}")
        peak_kib = max(peak_kib, usage.ru_maxrss)  # this process alone (Linux: KiB)
    import_seconds = time.perf_counter() - started
    import_rate = args.comments / import_seconds

    from moderation.models import Comment

    held = Comment.objects.count()
    history = Comment.history.count()
    assert held == args.comments, (held, args.comments)

    # -- the floor: COPY of the rows the import wrote (items and history rows) into
    # tables of the real shape, built up step by step, without any of the import's work.
    dump = workdir / "floor.tsv"
    dump_history = workdir / "floor-history.tsv"
    comment_columns = ", ".join(f.column for f in Comment._meta.concrete_fields)
    with connection.cursor() as cursor:
        with (
            dump.open("wb") as out,
            cursor.copy(f"COPY moderation_comment ({comment_columns}) TO STDOUT") as copy,
        ):
            for chunk in copy:
                out.write(chunk)
        with (
            dump_history.open("wb") as out,
            cursor.copy("COPY moderation_historicalcomment TO STDOUT") as copy,
        ):
            for chunk in copy:
                out.write(chunk)
    floors = [
        (label, copy_into_real_shape(connection, dump, dump_history, comment_columns, **shape))
        for label, shape in (
            ("real columns and indexes, history rows", {"search_vector": False, "foreign_keys": False}),
            ("+ the stored search vector and its GIN index", {"search_vector": True, "foreign_keys": False}),
            (
                "+ the foreign keys (checked at commit, as the import's are)",
                {"search_vector": True, "foreign_keys": True},
            ),
        )
    ]
    floor_seconds = floors[-1][1]
    dump.unlink()
    dump_history.unlink()

    # -- duplicates and edits ---------------------------------------------------------------
    spec, path = files["captures"][0]
    repeat = subprocess.run(
        [*manage, "import_captures", "--site", str(sites[spec.index].pk), "--format", "jsonl", str(path)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    started = time.perf_counter()
    recaptured = []
    for spec, path in files["recaptures"]:
        recaptured.append(
            subprocess.run(
                [
                    *manage,
                    "import_captures",
                    "--site",
                    str(sites[spec.index].pk),
                    "--format",
                    "jsonl",
                    str(path),
                ],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
    recapture_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE moderation_comment")
        cursor.execute("VACUUM ANALYZE moderation_historicalcomment")

    print()
    print(f"Rows held: {held:,} captured items, {history:,} history rows")
    print(f"Raw COPY into a bare table: {copy_rate:,.0f} rows/s ({copy_seconds:.1f} s)")
    print(
        f"import_captures (history, duplicate check, links): {import_rate:,.0f} rows/s "
        f"({import_seconds:.1f} s)"
    )
    print(f"Ratio import / COPY into a bare table: {import_rate / copy_rate:.3f}")
    print("COPY of the rows the import wrote (items + history rows) into tables of the real shape:")
    for label, seconds in floors:
        rate = args.comments / seconds
        print(f"  {label}: {rate:,.0f} rows/s ({seconds:.1f} s), {rate / copy_rate:.3f} of bare COPY")
    print(f"  import / that last floor: {import_rate / (args.comments / floor_seconds):.3f} (target >= 0.45)")
    print(f"Peak memory of an import process: {peak_kib / 1024:.0f} MiB max RSS (target <= 150 MiB)")
    print(f"Second import of one file: {repeat}")
    print(
        f"Recapture of every site with edits/hidden/deleted: {recapture_seconds:.1f} s, e.g. {recaptured[0]}"
    )
    measure_latency(args)
    measure_hostile(args, manage, env)


def measure_latency(args) -> None:
    """p50/p95 of the full-text search (top 50) and of the TST queue page."""
    from django.db import connection

    from moderation.capture.selectors import CommentFilters, search_comments
    from moderation.models import Comment

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM moderation_comment")
        print(f"Latency over {cursor.fetchone()[0]:,} captured items:")

    rng = random.Random(7)
    for query in SEARCHES:  # warm the cache once
        list(search_comments(CommentFilters(q=query))[:50])
    search_ms = []
    for _ in range(args.samples):
        query = rng.choice(SEARCHES)
        started = time.perf_counter()
        list(search_comments(CommentFilters(q=query))[:50])
        search_ms.append((time.perf_counter() - started) * 1000)
    relevance_ms = []
    for _ in range(max(10, args.samples // 3)):
        query = rng.choice(SEARCHES)
        started = time.perf_counter()
        list(search_comments(CommentFilters(q=query, order="relevance"))[:50])
        relevance_ms.append((time.perf_counter() - started) * 1000)

    # -- the queue page ------------------------------------------------------------------------
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from config.portal import roles

    tst, _ = User.objects.get_or_create(username="bench-tst")
    tst.groups.add(Group.objects.get(name=roles.TECHNICAL_SERVICES))
    client = Client()
    client.force_login(tst)
    max_id = Comment.objects.order_by("-pk").values_list("pk", flat=True).first()
    client.get("/portal/moderation/queue/", HTTP_HOST="localhost")
    queue_ms = []
    for n in range(args.samples):
        url = (
            "/portal/moderation/queue/"
            if n % 2 == 0
            else f"/portal/moderation/queue/?after={rng.randrange(max_id)}"
        )
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        queue_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code

    print(
        f"Full-text search top 50 (newest first): p50 {statistics.median(search_ms):.1f} ms, "
        f"p95 {percentile(search_ms, 0.95):.1f} ms (target p95 <= 50 ms)"
    )
    print(
        f"Full-text search top 50 (best match first): p50 {statistics.median(relevance_ms):.1f} ms, "
        f"p95 {percentile(relevance_ms, 0.95):.1f} ms"
    )
    print(
        f"Queue page: p50 {statistics.median(queue_ms):.1f} ms, p95 {percentile(queue_ms, 0.95):.1f} ms "
        f"(target p95 <= 150 ms)"
    )


# -- hostile and oversized input ----------------------------------------------------------

HOSTILE_STRING = 50 * 1024 * 1024
HOSTILE_DEPTH = 100_000
LONGEST_TEXT = 100_000  # moderation.capture.importers.base.MAX_TEXT_LENGTH
# Each import process may not take more than this address space: a reader that does go
# quadratic on a hostile file fails with MemoryError instead of taking the machine down.
PROCESS_ADDRESS_SPACE = 4 * 1024**3
PROCESS_SECONDS = 300
WHEN = "2026-01-01T00:00:00+00:00"


def _write_with_long_string(path: Path, before: str, after: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(before)
        chunk = 'Long text 🎉 \\" é ' * 4096
        written = 0
        while written < HOSTILE_STRING:
            out.write(chunk)
            written += len(chunk)
        out.write(after)


def _write_nested(path: Path, before: str, opening: str, closing: str, after: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            before + opening * HOSTILE_DEPTH + "1" * (opening == '{"a":') + closing * HOSTILE_DEPTH + after
        )


def write_hostile_files(folder: Path) -> list[tuple[str, str, str, Path]]:
    """(label, format, platform, path) of each hostile or oversized file, written to ``folder``."""
    files = []

    def add(label, format_name, platform, name, write, *parts):
        path = folder / name
        write(path, *parts)
        files.append((label, format_name, platform, path))

    item = f'{{"id": "h-1", "posted_at": "{WHEN}", "text": "'
    add(
        "one ordinary item (the process's floor)",
        "jsonl",
        "x",
        "one.jsonl",
        Path.write_text,
        json.dumps({"id": "ok-1", "text": "Pothole on Court Street", "posted_at": WHEN}) + "\n",
    )
    add(
        "JSON Lines, 50 MiB text in an item",
        "jsonl",
        "x",
        "string.jsonl",
        _write_with_long_string,
        item,
        '"}\n',
    )
    add(
        "Facebook, 50 MiB message in data[0]",
        "facebook",
        "facebook",
        "string-facebook.json",
        _write_with_long_string,
        f'{{"data": [{{"id": "1_2", "created_time": "{WHEN}", "message": "',
        '"}]}',
    )
    add(
        "X archive, 50 MiB full_text in [0].tweet",
        "x-archive",
        "x",
        "string-tweets.js",
        _write_with_long_string,
        'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "created_at": '
        '"Wed Jan 01 00:00:00 +0000 2025", "full_text": "',
        '"}}]',
    )
    add("JSON Lines, [[[... 100,000 deep", "jsonl", "x", "nested.jsonl", _write_nested, "", "[", "]", "\n")
    add(
        'JSON Lines, {"a":{"a":... 100,000 deep in an item',
        "jsonl",
        "x",
        "nested-item.jsonl",
        _write_nested,
        f'{{"id": "h-1", "text": "t", "posted_at": "{WHEN}", "a": ',
        '{"a":',
        "}",
        "}\n",
    )
    add(
        "Facebook, [[[... 100,000 deep",
        "facebook",
        "facebook",
        "nested-facebook.json",
        _write_nested,
        "",
        "[",
        "]",
        "",
    )
    add(
        'Facebook, {"data":[{"a":{"a":... 100,000 deep',
        "facebook",
        "facebook",
        "nested-item-facebook.json",
        _write_nested,
        '{"data": [{"id": "1_2", "a": ',
        '{"a":',
        "}",
        "}]}",
    )
    add(
        "X archive, [[[... 100,000 deep",
        "x-archive",
        "x",
        "nested-tweets.js",
        _write_nested,
        "window.YTD.tweets.part0 = [",
        "[",
        "]",
        "]",
    )
    add(
        'X archive, [{"tweet":{"a":{"a":... 100,000 deep',
        "x-archive",
        "x",
        "nested-item-tweets.js",
        _write_nested,
        'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "a": ',
        '{"a":',
        "}",
        "}}]",
    )
    add(
        'X API v2, {"data":[{"a":{"a":... 100,000 deep',
        "x-api",
        "x",
        "nested-x-api.json",
        _write_nested,
        '{"data": [{"id": "1", "a": ',
        '{"a":',
        "}",
        "}]}",
    )
    rng = random.Random(11)
    longest = [
        "".join(rng.choice("abcdefghij klmnop 815-555-0142 @. ") for _ in range(LONGEST_TEXT))
        for _ in range(4)
    ]
    add(
        "JSON Lines, 200 items of the longest text allowed",
        "jsonl",
        "x",
        "longest.jsonl",
        Path.write_text,
        "".join(
            json.dumps({"id": f"l-{n}", "text": longest[n % 4], "posted_at": WHEN}) + "\n" for n in range(200)
        ),
    )
    add(
        "Facebook, 200 items of the longest text allowed",
        "facebook",
        "facebook",
        "longest-facebook.json",
        Path.write_text,
        json.dumps(
            {"data": [{"id": f"1_{n}", "created_time": WHEN, "message": longest[n % 4]} for n in range(200)]}
        ),
    )
    return files


def _limit_process() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PROCESS_ADDRESS_SPACE, PROCESS_ADDRESS_SPACE))


def run_import(manage: list[str], env: dict, site_id: int, format_name: str, path: Path):
    """(outcome, message, seconds, peak MiB) of one ``import_captures`` process."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*manage, "import_captures", "--site", str(site_id), "--format", format_name, str(path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            preexec_fn=_limit_process,
        )
        killed = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if not killed and time.perf_counter() - started > PROCESS_SECONDS:
                process.kill()
                killed = True
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        lines = [line.strip() for line in errors.read().splitlines() if line.strip()]
    if killed:
        outcome, message = "KILLED", f"still running after {PROCESS_SECONDS} s"
    elif process.returncode == 0:
        outcome, message = "imported", ""
    elif lines and "nothing imported" in lines[0]:
        outcome, message = "refused", lines[0]
    else:
        outcome, message = "FAILED", lines[-1] if lines else f"exit code {process.returncode}"
    return outcome, message, seconds, usage.ru_maxrss / 1024


def measure_hostile(args, manage: list[str], env: dict) -> None:
    from bench import dataset

    specs = dataset.site_specs(len(dataset.PLATFORMS))
    sites = dataset.ensure_sites(specs)
    site_for = {spec.platform_slug: sites[spec.index].pk for spec in specs}
    folder = Path(tempfile.mkdtemp(prefix="capture-hostile-"))
    print()
    print(f"Hostile and oversized files (each its own import_captures process, {folder}):")
    print(
        f"  {'file':<52} {'MiB':>6}  {'outcome':<8} {'s':>6} {'peak MiB':>9}  message (first 100 characters)"
    )
    worst = 0.0
    try:
        for label, format_name, platform, path in write_hostile_files(folder):
            size = path.stat().st_size / 1024**2
            outcome, message, seconds, peak = run_import(manage, env, site_for[platform], format_name, path)
            worst = max(worst, peak)
            print(f"  {label:<52} {size:>6.1f}  {outcome:<8} {seconds:>6.2f} {peak:>9.0f}  {message[:100]}")
            path.unlink()
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    print(f"  highest peak memory: {worst:.0f} MiB (target <= 150 MiB for every file)")
    measure_crafted_texts()


def measure_crafted_texts() -> None:
    """The private-information detector and the screening hints on crafted long texts."""
    from bench.dataset import _text
    from config.portal.private_info import find_private_information
    from moderation.capture.selectors import screening_hints

    rng = random.Random(5)
    prose = ""
    while len(prose) < LONGEST_TEXT:
        prose += _text(rng) + " "

    def repeated(unit: str) -> str:
        return (unit * (LONGEST_TEXT // len(unit) + 1))[:LONGEST_TEXT]

    texts = {
        "residents' prose": prose[:LONGEST_TEXT],
        '"a." repeated (e-mail local part)': repeated("a."),
        '"x@" then "a." repeated (e-mail domain)': "x@" + repeated("a.")[:-2],
        '"a.a.…a@" repeated': repeated("a." * 31 + "@"),
        '"1 " repeated (account groups)': repeated("1 "),
        '"1 a " repeated (address starts)': repeated("1 a "),
        '"1 \'" repeated (address words)': repeated("1 '"),
        '"1-" repeated': repeated("1-"),
        '"1/" repeated (phone candidates)': repeated("1/"),
        '"815-555-0142 " repeated (real numbers)': repeated("815-555-0142 "),
        '"www." repeated (one long link)': repeated("www."),
        "no digit, no @": repeated("lorem ipsum dolor "),
    }
    print(f"Private information and screening hints on {LONGEST_TEXT:,}-character texts:")
    print(f"  {'text':<44} {'private ms':>10} {'found':>6} {'hints ms':>9}")
    for label, text in texts.items():
        started = time.perf_counter()
        found = find_private_information(text)
        private_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        screening_hints(text)
        hints_ms = (time.perf_counter() - started) * 1000
        print(f"  {label:<44} {private_ms:>10.0f} {len(found):>6} {hints_ms:>9.0f}")


def copy_into_real_shape(
    connection, dump, dump_history, comment_columns, *, search_vector, foreign_keys
) -> float:
    """Seconds to COPY the dumped items and history rows into fresh tables shaped like
    moderation_comment (indexes, and optionally its search vector and foreign keys) and
    moderation_historicalcomment, in one transaction."""
    from django.db import transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor (LIKE moderation_comment INCLUDING ALL)")
        cursor.execute("CREATE TABLE bench_floor_history (LIKE moderation_historicalcomment INCLUDING ALL)")
        if not search_vector:
            cursor.execute("ALTER TABLE bench_floor DROP COLUMN search_vector")
        if foreign_keys:
            for table, column, target in (
                ("bench_floor", "site_id", "sites_registry_site"),
                ("bench_floor", "author_id", "moderation_commenter"),
                ("bench_floor", "parent_id", "bench_floor"),
                ("bench_floor_history", "history_user_id", "auth_user"),
            ):
                cursor.execute(
                    f"ALTER TABLE {table} ADD FOREIGN KEY ({column}) REFERENCES {target} (id) "
                    "DEFERRABLE INITIALLY DEFERRED"
                )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, source, columns in (
            ("bench_floor", dump, f"({comment_columns})"),
            ("bench_floor_history", dump_history, ""),
        ):
            with source.open("rb") as handle, cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor, bench_floor_history")
    return seconds


def _copy_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


if __name__ == "__main__":
    main()

"""Audit ledger benchmark (PostgreSQL): what the ledger costs the import and the purge, and how
fast ``verify_audit_ledger`` walks a long chain. Not part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/ledger_benchmark.py --verify-entries 2000000

It (re)creates the database ``--bench-db`` (default ``portal_ledger_bench``) on that server,
migrates it (which installs the ledger's triggers), and prints, in this order:

1. ``verify_audit_ledger`` over ``--verify-entries`` entries: that many captured-item history
   rows (of the real table and shape) are inserted in transactions of 250,000 with the ledger on
   (the entries-written rate is printed too), then the whole chain is verified: entries/s.
2. The purge with the ledger on, as a ratio to the same purge without it: two sets of
   ``--purge-records`` eligible captured items (with history), each on its own approved
   certificate; their batches run alternately, one with the ledger's triggers enabled, the next
   with them disabled, so both see the same load on a shared machine. Each side's rate is its
   records over the sum of its own batch times.
3. The import with the ledger on, as a ratio to the same import without it: the benchmark data
   set (bench/dataset.py) of ``--import-comments`` items over ``--sites`` sites, each site's file
   imported through ``captures_import_file`` (the upload page's and ``import_captures``' service),
   alternately with the ledger on and off, then each site's recapture (edits, hidden and deleted
   items: change history rows) the same way.

"Off" means the ledger's trigger disabled on every ledgered table of this benchmark database
(``ALTER TABLE ... DISABLE TRIGGER portal_ledger``): the portal itself has no setting that turns
the ledger off, and ``verify_audit_ledger`` names a table whose trigger is missing or disabled.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHUNK = 250_000


def database_url(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path="/" + name))


def recreate_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def ledger_switch(on: bool) -> None:
    """Enable or disable the ledger's trigger on every ledgered table (this database only)."""
    from django.db import connection

    from config.portal import ledger

    with connection.cursor() as cursor:
        for model in ledger.ledgered_models():
            action = "ENABLE" if on else "DISABLE"
            cursor.execute(f'ALTER TABLE "{model._meta.db_table}" {action} TRIGGER {ledger.TRIGGER}')


def bench_verify(entries: int, keep: bool = False) -> None:
    from django.db import connection, transaction

    from config.portal.ledger_verify import verify
    from moderation.models import Comment

    columns = [f.column for f in Comment._meta.concrete_fields]
    selected = {
        "id": "g",
        "created_at": "now()",
        "updated_at": "now()",
        "site_id": "NULL",
        "platform_item_id": "'bench-' || g",
        "kind": "'comment'",
        "text": "'comment number ' || g || ' about the pothole on Court Street, please fix it'",
        "posted_at": "now() - (g %% 1000) * interval '1 hour'",
        "captured_at": "now()",
        "raw_payload": '\'{"id": "bench-\' || g || \'", "message": "comment number \' || g || \'"}\'',
        "payload_sha256": "md5(g::text) || md5(g::text)",
        "content_sha256": "md5(g::text) || md5(g::text)",
        "platform_state": "'visible'",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, column_default, is_nullable, data_type FROM information_schema.columns "
            "WHERE table_name = 'moderation_historicalcomment'"
        )
        shape = {row[0]: row for row in cursor.fetchall()}
    expressions = []
    for column in columns:
        if column in selected:
            expressions.append(selected[column])
        elif shape[column][2] == "YES":
            expressions.append("NULL")
        elif shape[column][3] == "boolean":
            expressions.append("false")
        elif shape[column][3] in ("integer", "smallint", "bigint"):
            expressions.append("0")
        else:
            expressions.append("''")
    written = 0
    started = time.perf_counter()
    while written < entries:
        count = min(CHUNK, entries - written)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO moderation_historicalcomment ({', '.join(columns)}, history_date, "
                "history_change_reason, history_type, history_user_id) "
                f"SELECT {', '.join(expressions)}, now(), 'Captured', '+', NULL "
                "FROM generate_series(%s, %s) AS g",
                [written + 1, written + count],
            )
        written += count
    seconds = time.perf_counter() - started
    print(
        f"wrote {written:,} history rows with their entries in {seconds:.1f} s "
        f"= {written / seconds:,.0f} rows/s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE moderation_historicalcomment")
        cursor.execute("VACUUM ANALYZE portal_ledgerentry")
    report = verify()
    assert report.ok, report.problem
    print(
        f"verify_audit_ledger: {report.checked:,} entries ({report.rows_checked:,} rows recomputed) "
        f"in {report.seconds:.1f} s = {report.checked / report.seconds:,.0f} entries/s; head {report.head}"
    )
    if not keep:
        with connection.cursor() as cursor:
            # The benchmark's own database: the next parts start from empty history tables.
            cursor.execute("TRUNCATE moderation_historicalcomment, portal_ledgerentry")


def bench_purge(records: int, batch_size: int) -> None:
    from django.conf import settings
    from django.utils import timezone

    from bench import retention_benchmark as rb
    from records.models import RetentionSchedule
    from records.retention.purge import _destroy_batch
    from records.series import REGISTRY

    sides = {}
    for name, on in (("on", True), ("off", False)):
        site, commenter, clerk = rb.setup_site(f"bench-ledger-{name}")
        ledger_switch(False)  # generating is not what is measured
        rb.generate(site, commenter, records, 0)
        ledger_switch(True)
        certificate, _draft = rb.approved_certificate(site, clerk, 0)
        sides[on] = {"certificate": certificate, "after": 0, "batches": [], "destroyed": 0}
        print(f"ledger {name}: {certificate.items.count():,} records on certificate {certificate.number}")
    entry = REGISTRY["captured-items"]
    schedule = RetentionSchedule.objects.get(series="captured-items")
    as_of = timezone.localdate()
    batch_size = batch_size or settings.RETENTION_PURGE_BATCH_SIZE
    while any(side["after"] is not None for side in sides.values()):
        for on, side in sides.items():
            if side["after"] is None:
                continue
            ledger_switch(on)
            outcome, side["after"] = _destroy_batch(
                side["certificate"], entry, schedule, as_of, side["after"], batch_size
            )
            if side["after"] is not None:
                side["batches"].append(outcome.seconds)
                side["destroyed"] += outcome.destroyed
    ledger_switch(True)
    rates = {}
    for on, side in sides.items():
        rates[on] = side["destroyed"] / sum(side["batches"])
        print(
            f"purge, ledger {'on' if on else 'off'}: {side['destroyed']:,} records destroyed in "
            f"{sum(side['batches']):.1f} s over {len(side['batches'])} batches = {rates[on]:,.0f} records/s"
        )
    print(f"purge ratio ledger on / off = {rates[True] / rates[False]:.2f}")


def bench_import(comments: int, sites: int) -> None:
    from bench import dataset
    from config.portal.audit import system_user
    from moderation.capture.services import captures_import_file

    actor = system_user()
    with tempfile.TemporaryDirectory() as folder:
        files = dataset.write_files(Path(folder), comments=comments, sites=sites, years=2)
        site_of = dataset.ensure_sites([spec for spec, _path in files["captures"]])
        for kind in ("captures", "recaptures"):
            totals = {True: [0, 0.0], False: [0, 0.0]}
            for index, (spec, path) in enumerate(files[kind]):
                on = index % 2 == 0
                ledger_switch(on)
                started = time.perf_counter()
                with path.open("rb") as stream:
                    result = captures_import_file(
                        actor=actor,
                        site=site_of[spec.index],
                        format_name="jsonl",
                        stream=stream,
                        source_name=path.name,
                    )
                totals[on][1] += time.perf_counter() - started
                totals[on][0] += result.created + result.updated + result.unchanged
            ledger_switch(True)
            rates = {on: items / seconds for on, (items, seconds) in totals.items()}
            for on, (items, seconds) in totals.items():
                print(
                    f"import ({kind}), ledger {'on' if on else 'off'}: {items:,} items in {seconds:.1f} s "
                    f"= {rates[on]:,.0f} items/s"
                )
            print(f"import ({kind}) ratio ledger on / off = {rates[True] / rates[False]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verify-entries", type=int, default=2_000_000)
    parser.add_argument("--purge-records", type=int, default=100_000)
    parser.add_argument("--purge-batch-size", type=int, default=None)
    parser.add_argument("--import-comments", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=8, help="Sites of the import (an even number)")
    parser.add_argument("--bench-db", default="portal_ledger_bench")
    parser.add_argument("--only", choices=["verify", "purge", "import"], help="Run one part only")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (any database on it; the bench creates its own).")
    recreate_database(base, args.bench_db)
    os.environ.update(DATABASE_URL=database_url(base, args.bench_db), DEBUG="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log in memory
    call_command("migrate", verbosity=0)
    print(f"database {args.bench_db}: migrated, ledger installed")
    if args.only in (None, "verify"):
        bench_verify(args.verify_entries, keep=args.only == "verify")
    if args.only in (None, "purge"):
        bench_purge(args.purge_records, args.purge_batch_size)
    if args.only in (None, "import"):
        bench_import(args.import_comments, args.sites)


if __name__ == "__main__":
    main()

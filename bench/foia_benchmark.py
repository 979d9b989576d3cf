"""FOIA export benchmark: export 50,000 and 400,000 captured items; rows/s, peak memory, bundle size.

    DATABASE_URL=postgres://... DEBUG=1 python bench/foia_benchmark.py [--sizes 50000 400000]

Generates the capture data set once (COPY into moderation_comment on two benchmark
sites, one per size; kept for later runs, ``--drop`` removes it), then runs each export
in a fresh Python process, so each peak RSS is that export's own. The difference of
the two peaks shows whether memory is constant in the number of records. One comment
in a hundred carries a phone number, and the phone numbers are accepted redactions,
so the redactor works on every value as it would on a real request.

Targets: >= 15,000 records/s; peak <= 100 MiB; the 400,000-record peak within
10 MiB of the 50,000-record peak.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PLATFORM_SLUG = "bench-foia"
REDACTED_PHONES = 50


def _setup():
    import django

    django.setup()


def _rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _phone(index: int) -> str:
    return f"815-555-{index % REDACTED_PHONES:04d}"


def ensure_dataset(size: int):
    """A site holding exactly ``size`` captured items, generated with COPY on PostgreSQL."""
    import hashlib
    from datetime import UTC, datetime, timedelta

    from django.db import connection

    from moderation.models import Comment, Commenter
    from sites_registry.models import Platform, Site

    platform, _ = Platform.objects.get_or_create(slug=PLATFORM_SLUG, defaults={"name": "Benchmark platform"})
    site, _ = Site.objects.get_or_create(
        platform=platform,
        handle=f"bench{size}",
        defaults={
            "account_name": f"Benchmark site {size}",
            "url": f"https://bench.example/{size}",
            "department": "Benchmark",
            "state": Site.State.APPROVED,
        },
    )
    have = Comment.objects.filter(site=site).count()
    if have == size:
        return site
    Comment.objects.filter(site=site).delete()
    commenters = []
    for index in range(1000):
        commenter, _ = Commenter.objects.get_or_create(
            platform=platform,
            platform_user_id=f"bench-user-{index}",
            defaults={"display_name": f"Resident {index}", "profile_url": f"https://bench.example/u/{index}"},
        )
        commenters.append(commenter.pk)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    started = time.perf_counter()

    def rows():
        for index in range(size):
            text = f"Comment {index} about the pothole on Court Street; thanks to the crews."
            if index % 100 == 0:
                text += f" Call me at {_phone(index // 100)}."
            if index % 997 == 0:
                text = '=HYPERLINK("http://evil.example")<script>alert(1)</script> ' + text
            payload = json.dumps(
                {"id": f"b{size}-{index}", "message": text, "from": {"id": f"bench-user-{index % 1000}"}},
                ensure_ascii=False,
            )
            posted = base + timedelta(seconds=index * 60)
            digest = hashlib.sha256(payload.encode()).hexdigest()
            yield (
                site.pk, f"b{size}-{index}", "comment", commenters[index % 1000], text, posted, posted, "",
                payload, digest, "visible", now, now, "", False, 0, False, digest, False,
            )  # fmt: skip

    columns = (
        "site_id, platform_item_id, kind, author_id, text, posted_at, captured_at, permalink, "
        "raw_payload, payload_sha256, platform_state, created_at, updated_at, "
        "parent_platform_item_id, from_city, edit_count, asks_for_response, content_sha256, posted_at_derived"
    )
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY moderation_comment ({columns}) FROM STDIN") as copy,
        ):
            for row in rows():
                copy.write_row(row)
    else:
        names = [c.strip() for c in columns.split(",")]
        batch = []
        for row in rows():
            batch.append(Comment(**dict(zip(names, row, strict=True))))
            if len(batch) == 5000:
                Comment.objects.bulk_create(batch)
                batch = []
        Comment.objects.bulk_create(batch)
    print(f"generated {size:,} captured items in {time.perf_counter() - started:.1f}s", flush=True)
    return site


def run_export(size: int) -> dict:
    """In a fresh process: one request scoped to the benchmark site, redactions accepted, one export."""
    from datetime import date

    from django.contrib.auth.models import Group

    from config.portal import roles
    from records.foia import services
    from records.foia.export import build_export
    from records.models import FoiaExport, FoiaRequester, Redaction
    from sites_registry.models import Site

    site = Site.objects.get(platform__slug=PLATFORM_SLUG, handle=f"bench{size}")
    from django.contrib.auth import get_user_model

    clerk, _ = get_user_model().objects.get_or_create(username="bench-clerk")
    clerk.groups.add(Group.objects.get(name=roles.CITY_CLERK))
    requester, _ = FoiaRequester.objects.get_or_create(name="Benchmark", email="bench@example.org")
    request = services.foia_request_create(
        actor=clerk,
        requester=requester,
        received_on=date(2026, 11, 2),
        channel="email",
        description=f"Benchmark export of {size} records",
        sites=[site],
        record_kinds=["captured-items"],
    )
    first = site.comments.order_by("pk").values_list("pk", flat=True).first()
    Redaction.objects.bulk_create(
        Redaction(
            request=request,
            record_kind="captured-items",
            record_id=first + 100 * i,
            field="text",
            text=_phone(i),
            state=Redaction.State.ACCEPTED,
            decided_by=clerk,
        )  # fmt: skip
        for i in range(REDACTED_PHONES)
    )
    export = FoiaExport.objects.create(request=request, requested_by=clerk)
    baseline = _rss_mib()
    started = time.perf_counter()
    export = build_export(export.pk)
    seconds = time.perf_counter() - started
    peak = _rss_mib()
    assert export.state == FoiaExport.State.COMPLETE, export.error
    from django.core.files.storage import storages

    path = storages["exports"].path(export.file_name)
    bundle = Path(path).read_bytes() if size <= 1000 else None
    if bundle is not None:
        assert b"815-555-0001" not in bundle
    from records.foia.export import verify_bundle

    problems = verify_bundle(path)
    return {
        "records": export.processed_records,
        "seconds": round(seconds, 2),
        "records_per_second": round(export.processed_records / seconds),
        "peak_rss_mib": round(peak, 1),
        "rss_before_export_mib": round(baseline, 1),
        "bundle_bytes": export.size,
        "bundle_mib": round(export.size / 2**20, 1),
        "verified": not problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 400_000])
    parser.add_argument("--run-export", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--drop", action="store_true", help="Remove the benchmark data set and exit.")
    args = parser.parse_args()
    _setup()
    if args.run_export:
        print(json.dumps(run_export(args.run_export)))
        return
    if args.drop:
        from moderation.models import Comment

        deleted, _ = Comment.objects.filter(site__platform__slug=PLATFORM_SLUG).delete()
        print(f"removed {deleted} rows")
        return
    for size in args.sizes:
        ensure_dataset(size)
    results = {}
    with tempfile.TemporaryDirectory(prefix="foia-bench-") as exports:
        env = dict(os.environ, EXPORT_ROOT=exports)
        for size in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--run-export", str(size)], env=env, capture_output=True, text=True
            )
            if out.returncode:
                sys.exit(out.stderr)
            results[size] = json.loads(out.stdout.strip().splitlines()[-1])
            r = results[size]
            print(
                f"{size:>9,} records: {r['seconds']:>7.2f}s  {r['records_per_second']:>7,} records/s  "
                f"peak RSS {r['peak_rss_mib']:.1f} MiB (before export {r['rss_before_export_mib']:.1f} MiB)  "
                f"bundle {r['bundle_mib']:.1f} MiB  verified={r['verified']}",
                flush=True,
            )
    if len(results) >= 2:
        small, large = min(results), max(results)
        print(
            f"peak memory difference {large:,} vs {small:,}: "
            f"{results[large]['peak_rss_mib'] - results[small]['peak_rss_mib']:+.1f} MiB"
        )


if __name__ == "__main__":
    main()

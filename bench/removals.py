"""Benchmark of the removal area at scale: prints figures, asserts nothing.

    .venv/bin/python bench/removals.py --removals 100000 --service-removals 200

Runs in a throwaway database (bench_<name>), created and dropped here. Measures:
removals logged through the service (each with its report and e-mail task call), the
transparency report's grouped queries and its CSV, and the Communications Office's
report queue page, at the given number of removals and reports.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBUG", "1")  # a benchmark, never production: no SECRET_KEY needed

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--removals", type=int, default=20000, help="removals (and reports) bulk-inserted")
    parser.add_argument(
        "--service-removals", type=int, default=100, help="removals logged through the service"
    )
    args = parser.parse_args()

    setup_test_environment()  # locmem e-mail
    settings.DEBUG = True  # count queries
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(label: str, func, *, per: int | None = None):
    reset_queries()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    queries = len(connection.queries)
    extra = f", {elapsed / per * 1000:.2f} ms each" if per else ""
    print(f"{label}: {elapsed:.3f} s, {queries} queries{extra}")
    return result


def run(args) -> None:
    from django.test import Client
    from django.utils import timezone

    from config.portal import roles
    from moderation.models import Comment, ProhibitedCategory, Removal, RemovalCategory, ViolationReport
    from moderation.removals import services
    from moderation.removals.selectors import transparency_counts
    from moderation.removals.views import transparency_csv
    from tests.factories import CommentFactory, SiteFactory, make_user

    print(
        f"database: {connection.vendor}, removals: {args.removals}, service removals: {args.service_removals}"
    )
    tst = make_user(roles.TECHNICAL_SERVICES, username="bench-tst")
    comms = make_user(roles.COMMUNICATIONS_OFFICE, username="bench-comms")
    sites = [SiteFactory() for _ in range(8)]
    rng = random.Random(7)
    categories = list(ProhibitedCategory.values)
    now = timezone.now()

    comments = [CommentFactory(site=sites[i % len(sites)]) for i in range(args.service_removals)]
    timed(
        f"removal_create x{args.service_removals} (each with report, history, e-mail task)",
        lambda: [
            services.removal_create(
                actor=tst, comment=c, categories=[rng.choice(categories)], action="hidden", reason="Bench."
            )
            for c in comments
        ],
        per=args.service_removals,
    )

    def bulk_insert():
        batch = 5000
        done = 0
        while done < args.removals:
            size = min(batch, args.removals - done)
            new_comments = Comment.objects.bulk_create(
                Comment(
                    site=sites[(done + i) % len(sites)],
                    platform_item_id=f"bench-{done + i}",
                    text="bench text",
                    posted_at=now - timedelta(days=(done + i) % 360),
                )
                for i in range(size)
            )
            removals = []
            for i, comment in enumerate(new_comments):
                removal = Removal(
                    comment=comment,
                    site=comment.site,
                    action="hidden",
                    reason="Bench.",
                    removed_by=tst,
                    removed_at=now - timedelta(days=(done + i) % 360, hours=i % 24),
                    retained_platform_item_id=comment.platform_item_id,
                    retained_text=comment.text,
                    retained_posted_at=comment.posted_at,
                )
                removal.retained_sha256 = removal.compute_retained_sha256()
                removals.append(removal)
            removals = Removal.objects.bulk_create(removals)
            RemovalCategory.objects.bulk_create(
                RemovalCategory(removal=r, category=rng.choice(categories)) for r in removals
            )
            ViolationReport.objects.bulk_create(
                ViolationReport(
                    removal=r,
                    comment_id=r.comment_id,
                    site_id=r.site_id,
                    concern="Bench.",
                    reported_by=tst,
                    notified_at=r.removed_at,
                    due_date=(r.removed_at + timedelta(days=5)).date(),
                )
                for r in removals
            )
            done += size

    timed(f"bulk insert of {args.removals} removals with categories and reports (setup)", bulk_insert)
    year = timezone.localdate().year
    data = timed(f"transparency transparency_counts({year})", lambda: transparency_counts(year))
    print(f"  -> {data['total']} removals counted in {year}")

    from django.test import RequestFactory

    request = RequestFactory().get("/transparency/removals.csv")
    response = timed("transparency CSV (all years)", lambda: transparency_csv(request))
    print(f"  -> {len(b''.join(response.streaming_content))} bytes")

    client = Client()
    client.force_login(comms)
    client.get("/portal/moderation/reports/")
    timed(
        "report queue page (unresolved, first page of 50)", lambda: client.get("/portal/moderation/reports/")
    )
    timed("report queue page (overdue)", lambda: client.get("/portal/moderation/reports/?state=overdue"))
    timed("removal list page (first page of 50)", lambda: client.get("/portal/moderation/removals/"))
    client.force_login(comms)
    timed("Communications Office home page", lambda: client.get("/portal/"))


if __name__ == "__main__":
    main()

"""Benchmark: destruction of an approved Disposal Certificate against a plain batched SQL delete.

    DATABASE_URL=postgres://... DEBUG=1 python bench/retention_benchmark.py --records 1000000

Generates two identical sets of ``--records`` captured items (``moderation.Comment``) dated
four calendar years ago, with one history row each (a tenth with a second history row), in
the database with ``generate_series`` so generation takes no Python memory:

- set P goes through the portal: the nightly job's drafting of a certificate (timed apart),
  filing and approval, a legal hold placed after approval on ``--held-percent`` of the
  records, then the purge's batches (``FOR UPDATE SKIP LOCKED`` selection, eligibility and
  hold re-check, tombstones with SHA-256, dependents, history purge, a commit per batch);
- set B is the baseline: a plain ``DELETE`` of the same kind of rows (the comments and their
  history rows), ``--batch-size`` ids per transaction, nothing else.

The two run batch for batch, alternately, so both see the same load on a shared machine;
each side's rate is its rows over the sum of its own batch times. Prints the rates, the
ratio, the p50/p99/max portal batch transaction time and memory (resident set size sampled
during the purge, and the process's maximum RSS).
Needs PostgreSQL. It removes its own rows (site "bench-retention") before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.portal import roles  # noqa: E402

BENCH_HANDLE = "bench-retention"


def setup_site(handle: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from moderation.models import Commenter
    from sites_registry.models import Platform, Site

    platform, _ = Platform.objects.get_or_create(
        slug="bench-platform",
        defaults={
            "name": "Bench platform",
            "domains": ["bench.example.com"],
            "terms_url": "https://bench.example.com/t",
        },
    )
    site, _ = Site.objects.get_or_create(
        platform=platform,
        handle=handle,
        defaults={
            "account_name": f"Benchmark account {handle}",
            "url": f"https://bench.example.com/{handle}",
            "department": "Benchmarks",
            "state": Site.State.APPROVED,
        },
    )
    commenter, _ = Commenter.objects.get_or_create(platform=platform, platform_user_id=f"{handle}-commenter")
    clerk, _ = get_user_model().objects.get_or_create(username="bench-clerk")
    clerk.groups.add(Group.objects.get(name=roles.CITY_CLERK))
    return site, commenter, clerk


def cleanup(site) -> None:
    from records.models import DisposalCertificate, DisposalTombstone, LegalHold

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM moderation_historicalcomment WHERE site_id = %s", [site.pk])
        cursor.execute("UPDATE moderation_comment SET parent_id = NULL WHERE site_id = %s", [site.pk])
        cursor.execute("DELETE FROM moderation_comment WHERE site_id = %s", [site.pk])
    bench_certificates = DisposalCertificate.objects.filter(number__startswith="BENCH-")
    DisposalTombstone.objects.filter(certificate__in=bench_certificates)._raw_delete("default")
    for certificate in bench_certificates:
        certificate.items.all()._raw_delete("default")
        certificate.lines.all().delete()
        certificate.history.all().delete()
        certificate.delete()
    for hold in LegalHold.objects.filter(name__startswith="Benchmark hold"):
        for scope in hold.scopes.all():
            scope.history.all().delete()
        hold.history.all().delete()
        hold.delete()


def generate(site, commenter, count: int, held_percent: float) -> None:
    """``count`` comments dated four calendar years ago, with history, in the database."""
    year = timezone.localdate().year - 4
    start = dt.datetime(year, 1, 1, 6, tzinfo=dt.UTC)
    held_every = int(100 / held_percent) if held_percent > 0 else 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO moderation_comment
                (created_at, updated_at, site_id, platform_item_id, kind, parent_id, author_id, text,
                 posted_at, captured_at, permalink, raw_payload, payload_sha256, platform_state,
                 parent_platform_item_id, from_city, edit_count, asks_for_response, content_sha256,
                 posted_at_derived)
            SELECT now(), now(), %(site)s, 'bench-' || g, 'comment', NULL, %(author)s,
                   CASE WHEN %(held_every)s > 0 AND g %% %(held_every)s = 0
                        THEN 'benchheld report ' || g ELSE 'comment number ' || g || ' about the city' END,
                   %(start)s + (g %% 364) * interval '1 day' + (g %% 86400) * interval '1 second',
                   now(), '', payload, encode(sha256(convert_to(payload, 'UTF8')), 'hex'), 'visible',
                   '', false, 0, false, encode(sha256(convert_to(payload, 'UTF8')), 'hex'), false
            FROM (SELECT g, '{"id": "bench-' || g || '", "message": "comment number ' || g
                         || '", "from": {"id": "bench-commenter"}}' AS payload
                  FROM generate_series(1, %(count)s) AS g) AS source
            """,
            {
                "site": site.pk,
                "author": commenter.pk,
                "count": count,
                "start": start,
                "held_every": held_every,
            },
        )
        columns = (
            "id, created_at, updated_at, site_id, platform_item_id, kind, parent_id, author_id, text, "
            "posted_at, captured_at, permalink, raw_payload, payload_sha256, platform_state, "
            "parent_platform_item_id, from_city, edit_count, asks_for_response, content_sha256, "
            "posted_at_derived"
        )
        cursor.execute(
            f"INSERT INTO moderation_historicalcomment ({columns}, history_date, history_change_reason, "
            f"history_type, history_user_id) SELECT {columns}, now(), 'Captured', '+', NULL "
            "FROM moderation_comment WHERE site_id = %s",
            [site.pk],
        )
        cursor.execute(
            f"INSERT INTO moderation_historicalcomment ({columns}, history_date, history_change_reason, "
            f"history_type, history_user_id) SELECT {columns}, now(), 'Platform state', '~', NULL "
            "FROM moderation_comment WHERE site_id = %s AND id %% 10 = 0",
            [site.pk],
        )
        cursor.execute("ANALYZE moderation_comment")
        cursor.execute("ANALYZE moderation_historicalcomment")


def baseline_batch(site, last: int, batch_size: int) -> tuple[int, int, float]:
    """One batch of the plain SQL delete; returns (rows, last id, seconds)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(
            "SELECT id FROM moderation_comment WHERE site_id = %s AND id > %s ORDER BY id LIMIT %s",
            [site.pk, last, batch_size],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM moderation_historicalcomment WHERE id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM moderation_comment WHERE id = ANY(%s)", [ids])
        cursor.execute("COMMIT")
    return len(ids), (ids[-1] if ids else last), time.perf_counter() - started


def approved_certificate(site, clerk, held_percent: float):
    from records.models import DisposalCertificate
    from records.retention.services import (
        certificate_approve,
        certificate_draft,
        certificate_file,
        legal_hold_place,
    )
    from records.series import Scope

    today = timezone.localdate()
    started = time.perf_counter()
    certificate = certificate_draft(actor=clerk, as_of=today)
    draft_seconds = time.perf_counter() - started
    DisposalCertificate.objects.filter(pk=certificate.pk).update(number=f"BENCH-{certificate.pk}")
    filed = today - dt.timedelta(days=60)
    # Filing comes after drafting: date the benchmark's draft back to the filing day.
    DisposalCertificate.objects.filter(pk=certificate.pk).update(
        drafted_at=dt.datetime.combine(filed, dt.time(9), tzinfo=timezone.get_current_timezone())
    )
    certificate.refresh_from_db()
    certificate = certificate_file(
        actor=clerk,
        certificate=certificate,
        filed_on=filed,
        requested_disposal_date=filed + dt.timedelta(days=30),
    )
    certificate = certificate_approve(
        actor=clerk,
        certificate=certificate,
        approval_number="BENCH",
        approved_on=filed,
        approver_name="Bench",
    )
    if held_percent > 0:
        legal_hold_place(
            actor=clerk, name="Benchmark hold", reason="Benchmark", scopes=[Scope(terms=("benchheld",))]
        )
    return certificate, draft_seconds


class RssSampler(threading.Thread):
    """Samples this process's resident set size every 20 ms (Linux /proc)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.first = self.peak = self.rss()
        self._stop_event = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def run(self):
        while not self._stop_event.wait(0.02):
            self.peak = max(self.peak, self.rss())

    def stop(self):
        self._stop_event.set()
        self.join()
        self.peak = max(self.peak, self.rss())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--held-percent", type=float, default=1.0)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL.")
    from django.conf import settings

    from records.models import RetentionSchedule
    from records.retention.purge import _destroy_batch
    from records.series import REGISTRY

    batch_size = args.batch_size or settings.RETENTION_PURGE_BATCH_SIZE
    # DEBUG keeps every query's SQL (thousands of ids each) in memory: measure as in production.
    settings.DEBUG = False
    portal_site, commenter, clerk = setup_site(BENCH_HANDLE)
    baseline_site, baseline_commenter, _ = setup_site(BENCH_HANDLE + "-baseline")
    cleanup(portal_site)
    cleanup(baseline_site)
    print(
        f"records={args.records} per side, batch_size={batch_size}, held_percent={args.held_percent}, "
        f"synchronous_commit={'on' if settings.RETENTION_PURGE_SYNCHRONOUS_COMMIT else 'off'} (purge only)"
    )
    started = time.perf_counter()
    generate(portal_site, commenter, args.records, args.held_percent)
    certificate, draft_seconds = approved_certificate(portal_site, clerk, args.held_percent)
    generate(baseline_site, baseline_commenter, args.records, args.held_percent)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE moderation_comment")
        cursor.execute("VACUUM ANALYZE moderation_historicalcomment")
        cursor.execute("VACUUM ANALYZE records_disposalcertificateitem")
    print(f"generated 2 x {args.records} comments with history in {time.perf_counter() - started:.1f} s")
    print(f"drafting the certificate ({certificate.items.count()} records listed): {draft_seconds:.1f} s")

    entry = REGISTRY["captured-items"]
    schedule = RetentionSchedule.objects.get(series="captured-items")
    as_of = timezone.localdate()
    portal_batches: list[float] = []
    baseline_batches: list[float] = []
    destroyed = held = baseline_rows = 0
    portal_after: int | None = 0
    baseline_last, baseline_done = 0, False
    sampler = RssSampler()
    sampler.start()
    while portal_after is not None or not baseline_done:
        if portal_after is not None:
            outcome, portal_after = _destroy_batch(
                certificate, entry, schedule, as_of, portal_after, batch_size
            )
            if portal_after is not None:
                portal_batches.append(outcome.seconds)
                destroyed += outcome.destroyed
                held += outcome.held
        if not baseline_done:
            rows, baseline_last, seconds = baseline_batch(baseline_site, baseline_last, batch_size)
            baseline_done = rows == 0
            if rows:
                baseline_batches.append(seconds)
                baseline_rows += rows
    sampler.stop()
    portal_rate = destroyed / sum(portal_batches)
    baseline_rate = baseline_rows / sum(baseline_batches)
    print(
        f"baseline plain batched SQL delete: {baseline_rows} rows in {sum(baseline_batches):.1f} s "
        f"= {baseline_rate:,.0f} rows/s"
    )
    print(
        f"portal destruction: {destroyed} destroyed, {held} held, in {sum(portal_batches):.1f} s "
        f"= {portal_rate:,.0f} rows/s"
    )
    print(f"ratio portal / baseline = {portal_rate / baseline_rate:.2f}")
    print(
        f"portal batch transaction time over {len(portal_batches)} batches: "
        f"p50 {statistics.median(portal_batches) * 1000:.0f} ms, "
        f"p99 {percentile(portal_batches, 0.99) * 1000:.0f} ms, max {max(portal_batches) * 1000:.0f} ms"
    )
    print(
        f"resident memory during the purge: {sampler.first / 1e6:.0f} MB at start, "
        f"peak {sampler.peak / 1e6:.0f} MB"
    )
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    cleanup(portal_site)
    cleanup(baseline_site)


if __name__ == "__main__":
    main()

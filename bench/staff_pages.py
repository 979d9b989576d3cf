"""Server time of the staff pages each role uses every day, at the benchmark's data size.

    DATABASE_URL=postgres://.../portal_bench DEBUG=1 python bench/staff_pages.py [--items 200000] [--runs 15]

Loads the FOIA benchmark's data set (``bench/foia_benchmark.py``: one site of N captured items
by 1,000 commenters, written with COPY and kept for later runs), half of it left unreviewed so the
monitoring queue is full, a FOIA request scoped to that site, a legal hold and a checklist, then
requests each page through Django's test client (middleware, views, queries and templates: the
server's share of a page, no network) and prints the median and 95th percentile in milliseconds
and their ratio to the 300 ms budget of issue 17. Nothing is asserted: the figures are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
BUDGET_MS = 300.0


def _user(username: str, role: str | None, first: str, last: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "is_superuser": role is None}
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _pages(size: int) -> dict[str, list[tuple[str, str]]]:
    from datetime import date

    from django.urls import reverse

    from bench.foia_benchmark import PLATFORM_SLUG, ensure_dataset
    from config.portal import roles
    from moderation.models import Comment
    from records.foia import services as foia_services
    from records.models import FoiaRequest, FoiaRequester
    from sites_registry.models import ComplianceItem, Site

    site = ensure_dataset(size)
    # Half reviewed, half waiting: the queue has a full page however far one pages.
    half = site.comments.order_by("pk").values_list("pk", flat=True)[size // 2]
    Comment.objects.filter(site=site, pk__lt=half, reviewed_at__isnull=True).update(
        reviewed_at=site.created_at
    )
    for kind in ComplianceItem.Kind.values:
        ComplianceItem.objects.get_or_create(site=site, kind=kind)
    # Fresh statistics after the bulk load, as autovacuum would have them in production (without
    # them PostgreSQL plans for one row and nests loops over 200,000).
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    tst = _user("bench-tst", roles.TECHNICAL_SERVICES, "Taylor", "Tech")
    comms = _user("bench-comms", roles.COMMUNICATIONS_OFFICE, "Casey", "Communications")
    clerk = _user("bench-clerk", roles.CITY_CLERK, "Clara", "Clerk")
    request = FoiaRequest.objects.filter(description="Staff pages benchmark").first()
    if request is None:
        requester, _ = FoiaRequester.objects.get_or_create(name="Benchmark", email="bench@example.org")
        request = foia_services.foia_request_create(
            actor=clerk,
            requester=requester,
            received_on=date(2026, 11, 2),
            channel="email",
            description="Staff pages benchmark",
            sites=[site],
            record_kinds=["captured-items"],
            search_terms="pothole",
        )
    comment = site.comments.filter(pk__gte=half).order_by("pk").first()
    site = Site.objects.get(platform__slug=PLATFORM_SLUG, handle=f"bench{size}")
    return {
        "tst": (
            tst,
            [
                ("home", reverse("portal:home")),
                ("monitoring queue", reverse("moderation:queue")),
                ("queue, one site", reverse("moderation:queue") + f"?site={site.pk}"),
                ("captured items", reverse("moderation:comment-search")),
                ("removal form", reverse("moderation:comment-remove", args=[comment.pk])),
                ("site page", reverse("sites_registry:site-detail", args=[site.pk])),
                ("header search", reverse("portal:search") + "?q=pothole"),
                ("commenter picker source", reverse("moderation:commenter-search") + "?q=Resident 12"),
            ],
        ),
        "comms": (
            comms,
            [("home", reverse("portal:home")), ("reports", reverse("moderation:report-list"))],
        ),
        "clerk": (
            clerk,
            [
                ("home", reverse("portal:home")),
                ("FOIA request", reverse("records:foia-detail", args=[request.pk])),
                ("FOIA requests", reverse("records:foia-list")),
                ("redactions", reverse("records:foia-redactions", args=[request.pk])),
                ("hold form", reverse("records:hold-place")),
                ("header search", reverse("portal:search") + f"?q={request.reference}"),
            ],
        ),
    }


def _sign_in_with_second_factor(client, user) -> None:
    """Signed in as after the whole sign-in: password, then an enrolled authenticator app's code
    (the portal's middleware otherwise sends every staff page to enrolment)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    pages = _pages(args.items)
    print(
        f"data set: {args.items} captured items on one site, ready in {time.perf_counter() - started:.1f} s"
    )
    print(f"{'role':6} {'page':26} {'median ms':>10} {'p95 ms':>8} {'p95/budget':>11}")
    worst = 0.0
    for role, (user, urls) in pages.items():
        client = Client()
        _sign_in_with_second_factor(client, user)
        for name, url in urls:
            response = client.get(url)  # warm: caches, the first query plans
            if response.status_code != 200:
                print(f"{role:6} {name:26} answered {response.status_code}")
                continue
            times = []
            for _ in range(args.runs):
                begun = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - begun) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            worst = max(worst, p95)
            print(f"{role:6} {name:26} {statistics.median(times):10.1f} {p95:8.1f} {p95 / BUDGET_MS:11.2f}")
    print(f"slowest p95: {worst:.1f} ms = {worst / BUDGET_MS:.2f} of the {BUDGET_MS:.0f} ms budget")


if __name__ == "__main__":
    main()

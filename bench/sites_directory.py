"""Public directory and Communications Office queue at scale.

    DATABASE_URL=postgres://... DEBUG=1 .venv/bin/python bench/sites_directory.py --sites 5000

Creates the sites inside a transaction that is rolled back at the end, so it can run
against a development database. Prints, per page, the response time (best of --repeat),
the number of SQL queries and the response size.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.portal import roles  # noqa: E402
from sites_registry.models import Platform, Site  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        with transaction.atomic():
            run(args.sites, args.repeat)
            raise Rollback
    except Rollback:
        pass


def run(count: int, repeat: int) -> None:
    platforms = list(Platform.objects.exclude(slug="other"))
    now = timezone.now()
    states = [Site.State.APPROVED] * 6 + [Site.State.REQUESTED, Site.State.RETIRED, Site.State.SUSPENDED]
    Site.objects.bulk_create(
        Site(
            platform=platforms[i % len(platforms)],
            account_name=f"Bench account {i}",
            handle=f"bench{i}",
            url=f"https://{platforms[i % len(platforms)].domains[0]}/bench{i}",
            department="Bench",
            state=states[i % len(states)],
            audiences=["residents"],
            last_certified_at=now - timedelta(days=i % 500),
        )
        for i in range(count)
    )
    user_model = get_user_model()
    comms = user_model.objects.create(username="bench-comms")
    from django.contrib.auth.models import Group

    comms.groups.add(Group.objects.get(name=roles.COMMUNICATIONS_OFFICE))
    client = Client(HTTP_HOST="127.0.0.1")
    staff = Client(HTTP_HOST="127.0.0.1")
    staff.force_login(comms)
    print(f"{count} sites ({Site.objects.official().count()} approved) on {connection.vendor}")
    print(f"{'page':<28}{'best ms':>10}{'queries':>10}{'bytes':>12}")
    for label, who, url in (
        ("public directory", client, "/directory/"),
        ("public directory JSON", client, "/directory.json"),
        ("public home", client, "/"),
        ("staff site list", staff, "/portal/sites/"),
        ("Communications queue", staff, "/portal/sites/queue/"),
        ("Communications home", staff, "/portal/"),
    ):
        best = float("inf")
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = who.get(url)
                best = min(best, time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<28}{best * 1000:>10.1f}{len(queries):>10}{len(response.content):>12}")


if __name__ == "__main__":
    main()

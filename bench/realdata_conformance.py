"""Imports a folder of genuine platform files and says, per file, what was kept.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/realdata_conformance.py ../shared/realdata

Not part of the test run (the corpus is not in the project: the tests use fixtures of the
same shapes). The folder holds one sub-folder per format family: ``facebook/``,
``instagram/``, ``x-api/``, ``x-archive/``, ``youtube/``. Each file is imported into a
fresh site of its own in the database ``--bench-db`` (created anew), with the format its
folder names, and the script prints per file: refused (and why) or the counts, then the
items by kind and state, how many have a known author, a parent held in the portal, a
time derived from the id, and whether every stored payload is the file's own text.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.capture_benchmark import database_url, recreate_database  # noqa: E402

FOLDERS = {
    "facebook": ("facebook", "facebook"),
    "instagram": ("instagram", "instagram"),
    "x-api": ("x", "x-api"),
    "x-archive": ("x", "x-archive"),
    "youtube": ("youtube", "youtube"),
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--bench-db", default="portal_realdata_check")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the script creates its own database).")
    recreate_database(base, args.bench_db)
    env = dict(os.environ, DATABASE_URL=database_url(base, args.bench_db), DEBUG="1")
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"], check=True, env=env
    )

    import django

    django.setup()
    from config.portal.audit import system_user
    from moderation.capture.importers import CaptureError
    from moderation.capture.services import captures_import_file
    from moderation.models import Comment
    from tests.factories import site_on

    failures = 0
    for folder, (platform, format_name) in FOLDERS.items():
        for path in sorted((args.folder / folder).glob("*")):
            site = site_on(platform, handle=f"check-{path.stem}"[:50], account_name="City of Kankakee")
            data = path.read_bytes()
            try:
                result = captures_import_file(
                    actor=system_user(),
                    site=site,
                    format_name=format_name,
                    stream=io.BytesIO(data),
                    source_name=path.name,
                )
            except CaptureError as exc:
                print(f"{folder}/{path.name}: REFUSED: {exc}")
                continue
            items = list(Comment.objects.filter(site=site))
            text = data.decode("utf-8-sig")
            not_exact = [c.platform_item_id for c in items if c.raw_payload not in text]
            kinds = Counter(c.kind for c in items)
            states = Counter(c.platform_state for c in items)
            print(f"{folder}/{path.name} ({format_name}): {result}")
            print(f"    kinds: {dict(kinds)}; states: {dict(states)}")
            print(
                f"    author known: {sum(1 for c in items if c.author_id)}/{len(items)}; "
                f"City's own: {sum(1 for c in items if c.from_city)}; "
                f"parent held: {sum(1 for c in items if c.parent_id)}, "
                "parent not captured: "
                f"{sum(1 for c in items if c.parent_platform_item_id and not c.parent_id)}"
                "; "
                f"time derived from id: {sum(1 for c in items if c.posted_at_derived)}; "
                f"deleted at known: {sum(1 for c in items if c.platform_deleted_at)}; "
                f"empty text: {sum(1 for c in items if not c.text)}; permalinks: "
                f"{sum(1 for c in items if c.permalink)}"
            )
            if not_exact:
                failures += 1
                print(f"    PAYLOAD NOT THE FILE'S OWN TEXT: {not_exact[:5]}")
            again = captures_import_file(
                actor=system_user(),
                site=site,
                format_name=format_name,
                stream=io.BytesIO(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")),
                source_name=path.name,
            )
            if again.created or again.updated:
                failures += 1
            print(f"    imported again with CRLF line endings: {again}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

"""A realistic, reproducible data set of captured items, for the benchmarks.

``generate(...)`` yields items in the portal's JSON Lines format (see
moderation/capture/importers/portal_format.py), site by site: City posts, residents' comments
and replies spread over whole calendar years in the City's time zone, with some
private information, links and questions, as residents write. ``write_files(...)`` writes
one JSON Lines file per site (plus a "recapture" file per site holding edited versions
of some comments, hidden and deleted ones), and ``ensure_sites(...)`` creates the
platforms and sites in the database. Other benchmarks (retention, FOIA) load the same
data with ``load(...)``, which goes through ``import_captures`` like real captures.

Everything streams: memory stays small whatever the number of items.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

CHICAGO = ZoneInfo("America/Chicago")
PLATFORMS = (
    ("facebook", "Facebook", ["facebook.com"]),
    ("x", "X (Twitter)", ["x.com"]),
    ("instagram", "Instagram", ["instagram.com"]),
    ("youtube", "YouTube", ["youtube.com"]),
)
TOPICS = (
    "pothole potholes street road repair crews asphalt patch Court Station Schuyler avenue",
    "snow plow plows salt ice sidewalk shoveling route parking ban",
    "water main break boil order pressure pipe utility bill meter",
    "police officers patrol traffic speeding stop sign crosswalk safety",
    "council meeting agenda vote ordinance budget taxes levy mayor alderman",
    "parade festival river fireworks concert park summer weekend family",
    "garbage recycling pickup leaf yard waste schedule bins trash",
    "library school students teachers bus crossing guard playground",
    "fire department hydrant smoke alarm ambulance emergency",
    "downtown business shop restaurant permit construction detour",
)
FILLER = (
    "the a of and to in is it that for on with this was when will why how please thanks thank "
    "you we our my city neighborhood today yesterday again still great terrible finally really"
).split()
QUESTIONS = (
    "When will this be fixed?",
    "Can someone from the city respond?",
    "Who do I contact about this?",
    "Any update on this?",
    "Is this still happening next week?",
)
RARE_WORDS = ("sinkhole", "groundhog", "zamboni", "chandelier", "trebuchet")


@dataclass(frozen=True)
class SiteSpec:
    index: int
    platform_slug: str
    handle: str
    account_name: str


def site_specs(sites: int) -> list[SiteSpec]:
    specs = []
    for n in range(sites):
        slug = PLATFORMS[n % len(PLATFORMS)][0]
        specs.append(SiteSpec(n, slug, f"KankakeeBench{n:02d}", f"Kankakee benchmark account {n:02d}"))
    return specs


def _text(rng: random.Random) -> str:
    topic = rng.choice(TOPICS).split()
    words = [
        rng.choice(topic) if rng.random() < 0.45 else rng.choice(FILLER) for _ in range(rng.randint(4, 60))
    ]
    text = " ".join(words).capitalize() + "."
    roll = rng.random()
    if roll < 0.03:
        text += f" Call me at 815-555-{rng.randint(1000, 9999)}."
    elif roll < 0.05:
        text += f" Email me at resident{rng.randint(1, 99999)}@example.org"
    elif roll < 0.07:
        text += f" See https://example.com/{rng.randint(1, 9999)}"
    elif roll < 0.075:
        text += f" A {rng.choice(RARE_WORDS)} appeared."
    if rng.random() < 0.15:
        text += " " + rng.choice(QUESTIONS)
    if rng.random() < 0.01:
        text += " 🎉"
    return text


def _stamp(rng: random.Random, first_year: int, years: int) -> datetime:
    start = datetime(first_year, 1, 1, tzinfo=CHICAGO)
    end = datetime(first_year + years, 1, 1, tzinfo=CHICAGO)
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def generate(
    spec: SiteSpec, count: int, *, first_year: int, years: int = 5, seed: int = 2019_70
) -> Iterator[dict]:
    """``count`` items for one site, oldest first: ~2% City posts, ~68% comments, ~30% replies."""
    rng = random.Random(seed * 1000 + spec.index)
    times = sorted(_stamp(rng, first_year, years) for _ in range(count))
    posts: deque[str] = deque(maxlen=50)
    comments: deque[str] = deque(maxlen=500)
    for n, posted in enumerate(times):
        item_id = f"s{spec.index:02d}-{n:08d}"
        roll = rng.random()
        item = {"id": item_id, "text": _text(rng), "posted_at": posted.isoformat()}
        if not posts or roll < 0.02:
            item.update(
                kind="city_post", from_city=True, permalink=f"https://example.com/{spec.handle}/{item_id}"
            )
            posts.append(item_id)
        else:
            user = rng.randint(1, max(10, count // 20))
            item["author"] = {
                "id": f"u{spec.index:02d}-{user}",
                "name": f"Resident {user}",
                "profile_url": f"https://example.com/u/{user}",
            }
            if roll < 0.70 or not comments:
                item.update(kind="comment", parent_id=rng.choice(posts))
                comments.append(item_id)
            else:
                item.update(kind="reply", parent_id=rng.choice(comments))
        yield item


def recapture(
    spec: SiteSpec, count: int, *, first_year: int, years: int = 5, seed: int = 2019_70
) -> Iterator[dict]:
    """A later capture of the same site: ~2% of items edited, ~0.5% hidden, ~0.2% deleted."""
    rng = random.Random(seed * 7 + spec.index)
    for item in generate(spec, count, first_year=first_year, years=years, seed=seed):
        roll = rng.random()
        if roll < 0.02:
            yield dict(item, text=item["text"] + " EDIT: " + _text(rng))
        elif roll < 0.025:
            yield dict(item, state="hidden")
        elif roll < 0.027:
            yield dict(item, text="", state="deleted")


def write_files(
    folder: Path, *, comments: int, sites: int = 20, years: int = 5, first_year: int | None = None
) -> dict[str, list[tuple[SiteSpec, Path]]]:
    """One JSON Lines file per site (``captures``) and per site for a recapture (``recaptures``)."""
    first_year = first_year or (datetime.now(CHICAGO).year - years)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, list] = {"captures": [], "recaptures": []}
    specs = site_specs(sites)
    per_site = [comments // sites + (1 if n < comments % sites else 0) for n in range(sites)]
    for spec, count in zip(specs, per_site, strict=True):
        for kind, items in (
            ("captures", generate(spec, count, first_year=first_year, years=years)),
            ("recaptures", recapture(spec, count, first_year=first_year, years=years)),
        ):
            path = folder / f"{kind}-{spec.handle}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for item in items:
                    handle.write(json.dumps(item, ensure_ascii=False) + "\n")
            files[kind].append((spec, path))
    return files


def ensure_sites(specs: list[SiteSpec]) -> dict[int, object]:
    """The benchmark's platforms and approved sites (created once); spec index -> Site."""
    from sites_registry.models import Platform, Site

    platforms = {}
    for slug, name, domains in PLATFORMS:
        platforms[slug], _ = Platform.objects.get_or_create(
            slug=slug, defaults={"name": name, "domains": domains}
        )
    sites = {}
    for spec in specs:
        site, _ = Site.objects.get_or_create(
            platform=platforms[spec.platform_slug],
            handle=spec.handle,
            defaults={
                "account_name": spec.account_name,
                "url": f"https://{platforms[spec.platform_slug].domains[0]}/{spec.handle}",
                "department": "Benchmark",
                "state": Site.State.APPROVED,
            },
        )
        sites[spec.index] = site
    return sites


def load(folder: Path, *, comments: int, sites: int = 20, years: int = 5) -> int:
    """Generate and import the data set into the configured database (Django set up)."""
    from django.core.management import call_command

    files = write_files(folder, comments=comments, sites=sites, years=years)
    site_rows = ensure_sites([spec for spec, _path in files["captures"]])
    for spec, path in files["captures"]:
        call_command(
            "import_captures", "--site", str(site_rows[spec.index].pk), "--format", "jsonl", str(path)
        )
    return comments

from config.audit import stamp
from sites_registry.models import Platform, Site

DEMO_PLATFORMS = (
    ("Facebook", "facebook", ["facebook.com", "fb.com"]),
    ("X (Twitter)", "x", ["x.com", "twitter.com"]),
    ("Instagram", "instagram", ["instagram.com"]),
    ("YouTube", "youtube", ["youtube.com"]),
)

DEMO_SITES = (
    (
        "facebook",
        "City of Kankakee",
        "CityofKankakee",
        "https://www.facebook.com/CityofKankakee",
        "Mayor's Office",
        Site.State.APPROVED,
    ),
    (
        "facebook",
        "Kankakee Police Department",
        "KankakeePD",
        "https://www.facebook.com/KankakeePD",
        "Police",
        Site.State.APPROVED,
    ),
    (
        "x",
        "City of Kankakee",
        "CityofKankakee",
        "https://x.com/CityofKankakee",
        "Mayor's Office",
        Site.State.APPROVED,
    ),
    (
        "instagram",
        "Kankakee Parks",
        "kankakeeparks",
        "https://www.instagram.com/kankakeeparks/",
        "Public Works",
        Site.State.REQUESTED,
    ),
    (
        "youtube",
        "Kankakee City Council",
        "KankakeeCouncil",
        "https://www.youtube.com/@KankakeeCouncil",
        "City Clerk",
        Site.State.APPROVED,
    ),
)


def seed(*, users, stdout) -> None:
    actor = users["admin"]
    platforms = {}
    for name, slug, domains in DEMO_PLATFORMS:
        platform = Platform.objects.filter(slug=slug).first()
        if platform is None:
            platform = stamp(Platform(name=name, slug=slug, domains=domains), actor=actor, reason="Demo data")
            platform.save()
        platforms[slug] = platform
    for slug, name, handle, url, department, state in DEMO_SITES:
        if not Site.objects.filter(platform=platforms[slug], handle=handle).exists():
            site = Site(
                platform=platforms[slug],
                account_name=name,
                handle=handle,
                url=url,
                department=department,
                state=state,
            )
            stamp(site, actor=actor, reason="Demo data").save()
    stdout.write(f"  sites registry: {Site.objects.count()} sites on {Platform.objects.count()} platforms")

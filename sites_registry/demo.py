from datetime import timedelta

from django.utils import timezone

from config.portal.audit import stamp
from sites_registry import services
from sites_registry.models import Audience, ComplianceItem, Platform, PolicyDocument, Site

CONTACT = "City of Kankakee, 304 S. Indiana Ave., Kankakee, IL 60901 · (815) 933-0500"

# platform slug, account name, handle, URL, department, state, audiences
DEMO_SITES = (
    (
        "facebook",
        "City of Kankakee",
        "CityofKankakee",
        "https://www.facebook.com/CityofKankakee",
        "Mayor's Office",
        Site.State.APPROVED,
        [Audience.RESIDENTS, Audience.BUSINESSES],
    ),
    (
        "facebook",
        "Kankakee Police Department",
        "KankakeePD",
        "https://www.facebook.com/KankakeePD",
        "Police",
        Site.State.APPROVED,
        [Audience.RESIDENTS],
    ),
    (
        "x",
        "City of Kankakee",
        "CityofKankakee",
        "https://x.com/CityofKankakee",
        "Mayor's Office",
        Site.State.APPROVED,
        [Audience.RESIDENTS],
    ),
    (
        "youtube",
        "Kankakee City Council",
        "KankakeeCouncil",
        "https://www.youtube.com/@KankakeeCouncil",
        "City Clerk",
        Site.State.APPROVED,
        [Audience.RESIDENTS],
    ),
    (
        "instagram",
        "Kankakee Parks",
        "kankakeeparks",
        "https://www.instagram.com/kankakeeparks/",
        "Public Works",
        Site.State.REQUESTED,
        [Audience.RESIDENTS, Audience.YOUTH],
    ),
    (
        "linkedin",
        "City of Kankakee Careers",
        "city-of-kankakee",
        "https://www.linkedin.com/company/city-of-kankakee",
        "Human Resources",
        Site.State.REQUESTED,
        [Audience.EMPLOYEES],
    ),
    (
        "nextdoor",
        "Kankakee Public Works",
        "kankakeepublicworks",
        "https://nextdoor.com/agency/kankakeepublicworks/",
        "Public Works",
        Site.State.SUSPENDED,
        [Audience.RESIDENTS],
    ),
    (
        "flickr",
        "Kankakee Economic Development",
        "kankakee-econ",
        "https://www.flickr.com/photos/kankakee-econ/",
        "Economic Development",
        Site.State.RETIRED,
        [Audience.BUSINESSES],
    ),
)
# Walked from "requested" through the real services, so decisions and history are genuine.
PATHS = {
    Site.State.APPROVED: ["approve"],
    Site.State.SUSPENDED: ["approve", "suspend"],
    Site.State.RETIRED: ["approve", "retire"],
    Site.State.REQUESTED: [],
}


def seed(*, users, stdout) -> None:
    comms, tst = users["comms"], users["tst"]
    for slug, name, handle, url, department, state, audiences in DEMO_SITES:
        platform = Platform.objects.get(slug=slug)
        if Site.objects.filter(platform=platform, handle__iexact=handle).exists():
            continue
        site = services.site_request(
            actor=tst,
            platform=platform,
            account_name=name,
            handle=handle,
            url=url,
            department=department,
            audiences=audiences,
            authorised_posters="Pat Example, Public Information Officer\nSam Sample, Deputy Director",
            contact_information=CONTACT,
            note="Demo data",
        )
        # The Parks request shows a half-kept checklist; everything else is fully confirmed.
        partial = state == Site.State.REQUESTED and slug == "instagram"
        for index, item in enumerate(site.compliance_items.all()):
            if partial and index % 2:
                continue
            if item.kind == ComplianceItem.Kind.VISITOR_OPINIONS and slug == "nextdoor":
                services.compliance_item_mark_not_possible(
                    actor=tst, item=item, reason="Nextdoor agency pages have no free-text about section."
                )
                continue
            services.compliance_item_confirm(actor=tst, item=item, where_shown=f"{url} (About section)")
        for action in PATHS[state]:
            services.SITE_DECISIONS[action](
                actor=comms, site=site, reason="Demo data: reviewed against Sec. IV."
            )
    # One approved site certified long ago, so the re-certification flag has something to show.
    council = Site.objects.filter(platform__slug="youtube", handle="KankakeeCouncil").first()
    if (
        council is not None
        and council.last_certified_at
        and council.last_certified_at > timezone.now() - timedelta(days=366)
    ):
        council.last_certified_at = timezone.now() - timedelta(days=400)
        stamp(council, actor=users["admin"], reason="Demo data: certified over a year ago").save()
    if not PolicyDocument.objects.filter(kind=PolicyDocument.Kind.COMMENT_POLICY, version__gt=1).exists():
        original = PolicyDocument.objects.in_effect(PolicyDocument.Kind.COMMENT_POLICY)
        if original is not None:
            services.policy_publish(
                actor=comms,
                kind=PolicyDocument.Kind.COMMENT_POLICY,
                text=original.text + "\n• Demo amendment: comments are reviewed on business days.\n",
                change_summary="Demo amendment: review hours added.",
            )
    stdout.write(
        f"  sites registry: {Site.objects.count()} sites on {Platform.objects.count()} platforms, "
        f"{PolicyDocument.objects.count()} policy versions"
    )

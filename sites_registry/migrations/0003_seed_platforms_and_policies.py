"""Seed the platforms the ordinance names or implies, and version 1 of each public policy.

Version 1 of each policy is the ordinance's own text (Ordinance 2019-70, adopted
December 2, 2019), kept as data files in ``sites_registry/policy_texts/``. The terms
of service addresses the ordinance gives (Sec. VI: Twitter, Instagram, LinkedIn,
Ring) are used as given; administrators keep these rows current in the admin.
"""

import datetime
from pathlib import Path

from django.db import migrations

POLICY_TEXTS = Path(__file__).resolve().parent.parent / "policy_texts"
ADOPTED = datetime.date(2019, 12, 2)

PLATFORMS = (
    # name, slug, domains, terms of service URL
    ("Facebook", "facebook", ["facebook.com", "fb.com"], "https://www.facebook.com/terms.php"),
    ("X (Twitter)", "x", ["x.com", "twitter.com"], "https://twitter.com/tos"),
    ("Instagram", "instagram", ["instagram.com"], "https://help.instagram.com"),
    ("LinkedIn", "linkedin", ["linkedin.com"], "https://linkedin.com/legal/user-agreement"),
    ("YouTube", "youtube", ["youtube.com", "youtu.be"], "https://www.youtube.com/t/terms"),
    ("Nextdoor", "nextdoor", ["nextdoor.com"], "https://nextdoor.com/member_agreement/"),
    ("Neighbors by Ring", "ring", ["ring.com"], "https://shop.ring.com/pages/terms"),
    ("Nixle", "nixle", ["nixle.com"], ""),
    ("Flickr", "flickr", ["flickr.com", "flic.kr"], "https://www.flickr.com/help/terms"),
    # Sec. VI: a platform the policy does not name is bound by that platform's own terms.
    ("Other", "other", [], ""),
)

POLICIES = (
    # kind, file, ordinance section
    ("comment-policy", "comment-policy-v1.txt", "Sec. V"),
    ("reporting-removal", "reporting-removal-v1.txt", "Sec. VI"),
    ("disclaimer", "disclaimer-v1.txt", "Sec. VII"),
    ("privacy-policy", "privacy-policy-v1.txt", "Sec. VIII"),
)


def seed(apps, schema_editor):
    Platform = apps.get_model("sites_registry", "Platform")
    HistoricalPlatform = apps.get_model("sites_registry", "HistoricalPlatform")
    PolicyDocument = apps.get_model("sites_registry", "PolicyDocument")
    HistoricalPolicyDocument = apps.get_model("sites_registry", "HistoricalPolicyDocument")
    now = datetime.datetime.now(datetime.UTC)
    reason = "Seeded from Ordinance 2019-70"
    for name, slug, domains, terms_url in PLATFORMS:
        platform, created = Platform.objects.get_or_create(
            slug=slug, defaults={"name": name, "domains": domains, "terms_url": terms_url}
        )
        if created:
            # Historical models are not tracked in migrations: write the creation row by hand.
            HistoricalPlatform.objects.create(
                id=platform.pk,
                created_at=platform.created_at,
                updated_at=platform.updated_at,
                name=name,
                slug=slug,
                domains=domains,
                terms_url=terms_url,
                reporting_url="",
                history_date=now,
                history_type="+",
                history_change_reason=reason,
            )
    for kind, file_name, section in POLICIES:
        if PolicyDocument.objects.filter(kind=kind).exists():
            continue
        text = (POLICY_TEXTS / file_name).read_text(encoding="utf-8")
        summary = f"Ordinance 2019-70, {section}, as adopted December 2, 2019."
        document = PolicyDocument.objects.create(
            kind=kind, version=1, text=text, effective_date=ADOPTED, change_summary=summary
        )
        HistoricalPolicyDocument.objects.create(
            id=document.pk,
            created_at=document.created_at,
            updated_at=document.updated_at,
            kind=kind,
            version=1,
            text=text,
            effective_date=ADOPTED,
            change_summary=summary,
            history_date=now,
            history_type="+",
            history_change_reason=reason,
        )


class Migration(migrations.Migration):
    dependencies = [("sites_registry", "0002_registry_checklist_policies")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

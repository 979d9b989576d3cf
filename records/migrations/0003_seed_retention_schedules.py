"""Seed one RetentionSchedule per record series (Ordinance 2019-70's schedule: "SOCIAL MEDIA
RETENTION records are kept for (3) calendar years"). Administrators enter the Commission's
approved schedule item numbers; a schedule change is an edit of these rows, not of code."""

from django.db import migrations

REFERENCE = "City of Kankakee records retention schedule: Social Media Retention"

SERIES = [
    ("captured-items", "Captured posts and comments", "City posts and residents' comments and replies on official City sites, as captured."),
    ("removals", "Removals with their retained content", "Each removal, its prohibited categories and reason, and the removed content kept with its SHA-256."),
    ("violation-reports", "Reports of potential violations", "Reports to the Communications Office (Ordinance 2019-70, Sec. VI) and their answers."),
    ("referrals", "Law-enforcement and platform referrals", "Referrals of law violations and terms-of-service violations."),
    ("commenter-notices", "Notices to commenters", "Notices of removal sent to commenters, or why none could be sent."),
    ("foia-requests", "FOIA requests", "Freedom of Information Act requests, their clocks, extensions and responses."),
    ("foia-exports", "FOIA export bundles", "Export bundles produced in answer to FOIA requests, with their redaction logs."),
]


def seed(apps, schema_editor):
    RetentionSchedule = apps.get_model("records", "RetentionSchedule")
    for series, title, description in SERIES:
        RetentionSchedule.objects.get_or_create(
            series=series,
            defaults={
                "title": title,
                "description": description,
                "period_years": 3,
                "trigger": "end_of_calendar_year",
                "schedule_reference": REFERENCE,
            },
        )
    RetentionSchedule.objects.get_or_create(
        series="disposal-tombstones",
        defaults={
            "title": "Disposal tombstones",
            "description": "What is left of each destroyed record: series, id, dates, SHA-256, certificate.",
            "period_years": None,
            "trigger": "permanent",
            "schedule_reference": "Kept permanently as proof of lawful disposal (50 ILCS 205/7)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0002_retention")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

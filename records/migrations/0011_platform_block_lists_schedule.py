from django.db import migrations

REFERENCE = "City of Kankakee records retention schedule: Social Media Retention"


def forwards(apps, schema_editor):
    RetentionSchedule = apps.get_model("records", "RetentionSchedule")
    RetentionSchedule.objects.get_or_create(
        series="platform-block-lists",
        defaults={
            "title": "Block lists captured from the platforms",
            "description": (
                "Accounts a City site has blocked, as the platform lists them, with when each was "
                "first and last seen (2020 PAC 63566)."
            ),
            "period_years": 3,
            "trigger": "end_of_calendar_year",
            "schedule_reference": REFERENCE,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0010_holdscope_and_series_keys"),
        ("moderation", "0009_automatic_capture"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

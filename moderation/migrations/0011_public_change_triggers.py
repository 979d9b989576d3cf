"""The public transparency report follows every change to removals and their categories, whatever
makes it (config/portal/public_cache.py)."""

from django.db import migrations

from config.portal.public_cache import TRANSPARENCY, drop_change_triggers, install_change_triggers

TABLES = ("moderation_removal", "moderation_removalcategory")


def forward(apps, schema_editor):
    for table in TABLES:
        install_change_triggers(schema_editor, table, (TRANSPARENCY,))


def backward(apps, schema_editor):
    for table in TABLES:
        drop_change_triggers(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0010_comment_parent_item_idx"),
        ("portal", "0007_public_change"),
    ]

    operations = [migrations.RunPython(forward, backward)]

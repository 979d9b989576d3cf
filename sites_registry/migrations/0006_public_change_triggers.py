"""The public directory follows every change to sites and platforms, the policy pages every change
to policy documents, and the transparency report (which names sites and platforms) the sites and
platforms too (config/portal/public_cache.py)."""

from django.db import migrations

from config.portal.public_cache import (
    DIRECTORY,
    POLICIES,
    TRANSPARENCY,
    drop_change_triggers,
    install_change_triggers,
)

TABLES = {
    "sites_registry_site": (DIRECTORY, TRANSPARENCY),
    "sites_registry_platform": (DIRECTORY, TRANSPARENCY),
    "sites_registry_policydocument": (POLICIES,),
}


def forward(apps, schema_editor):
    for table, topics in TABLES.items():
        install_change_triggers(schema_editor, table, topics)


def backward(apps, schema_editor):
    for table in TABLES:
        drop_change_triggers(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("sites_registry", "0005_decision_separation_of_duties_relaxed"),
        ("portal", "0007_public_change"),
    ]

    operations = [migrations.RunPython(forward, backward)]

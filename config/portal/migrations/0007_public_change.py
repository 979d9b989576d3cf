"""The change tokens of the public pages (config/portal/public_cache.py) and, on PostgreSQL, the
trigger function the domain apps' tables call to write them."""

from django.db import migrations, models

from config.portal.public_cache import POSTGRES_FUNCTION, POSTGRES_FUNCTION_DROP


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_audit_ledger"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicChange",
            fields=[
                ("topic", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]

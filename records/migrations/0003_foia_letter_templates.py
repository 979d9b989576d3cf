"""The default FOIA letters, editable afterwards by the Clerk (portal) or in the admin."""

from django.db import migrations


def create_templates(apps, schema_editor):
    from records.foia.letters import DEFAULTS

    template_model = apps.get_model("records", "FoiaLetterTemplate")
    for kind, (subject, body) in DEFAULTS.items():
        template_model.objects.get_or_create(kind=str(kind), defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("records", "0002_foia")]

    operations = [migrations.RunPython(create_templates, migrations.RunPython.noop)]

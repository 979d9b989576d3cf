from django.conf import settings
from django.db import migrations

ROLES = ("Communications Office", "Technical Services Team", "City Clerk")


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    # The history user of every job. It cannot sign in: no usable password, inactive.
    User.objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "Portal", "last_name": "System job", "password": "!"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Reversing keeps the groups and the user: they may already be referenced.
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

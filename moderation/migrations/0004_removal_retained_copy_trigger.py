"""The database itself refuses changes to a removal's retained copy (Ordinance 2019-70, Sec. VI).

The model and its queryset already refuse; this trigger also stops raw SQL and any code
that bypasses the ORM. Deleting a removal (the retention disposal process) is not affected.
"""

from django.db import migrations

RETAINED_COLUMNS = (
    "retained_platform_item_id",
    "retained_text",
    "retained_posted_at",
    "retained_poster_id",
    "retained_poster_name",
    "retained_poster_profile_url",
    "retained_permalink",
    "retained_sha256",
    "site_id",
    "removed_at",
    "removed_by_id",
)
MESSAGE = "the retained copy of a removed item cannot be changed (Ordinance 2019-70, Sec. VI)"

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION moderation_removal_retained_copy_guard() RETURNS trigger AS $$
BEGIN
    IF {changed} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_removal_retained_copy_guard
    BEFORE UPDATE ON moderation_removal
    FOR EACH ROW EXECUTE FUNCTION moderation_removal_retained_copy_guard();
""".format(
    changed=" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in RETAINED_COLUMNS), message=MESSAGE
)
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS moderation_removal_retained_copy_guard ON moderation_removal;
DROP FUNCTION IF EXISTS moderation_removal_retained_copy_guard();
"""

SQLITE_FORWARD = """
CREATE TRIGGER moderation_removal_retained_copy_guard
BEFORE UPDATE ON moderation_removal
FOR EACH ROW WHEN {changed}
BEGIN
    SELECT RAISE(ABORT, '{message}');
END;
""".format(changed=" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in RETAINED_COLUMNS), message=MESSAGE)
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS moderation_removal_retained_copy_guard;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_default_notice_template")]

    operations = [migrations.RunPython(forward, backward)]

from django.db import migrations

DEFAULT_BODY = (
    "Hello. Your comment on the City of Kankakee's {site} page on {platform}, posted {posted_date}, "
    "was removed on {removal_date} because it is inconsistent with the City's content requirements "
    "(Social Media Policy, Ordinance 2019-70, Sec. V): {categories}.\n\n"
    "The policy says: {policy_text}\n\n"
    "Reason: {reason}\n\n"
    "The City's Comment Policy is published at https://www.citykankakee-il.gov/. "
    "City of Kankakee, Technical Services Team"
)


def create_default_template(apps, schema_editor):
    NoticeTemplate = apps.get_model("moderation", "NoticeTemplate")
    NoticeTemplate.objects.get_or_create(name="Standard removal notice", defaults={"body": DEFAULT_BODY})


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_removals_reports_referrals")]

    operations = [migrations.RunPython(create_default_template, migrations.RunPython.noop)]

"""The default notice read "the City of Kankakee's City of Kankakee page" (the site's name is the
City's) and pointed at the City's home page; it now names the account and links the Comment
Policy. Only a default template still worded as shipped is changed: an edited one is the City's."""

from django.db import migrations

OLD_BODY = (
    "Hello. Your comment on the City of Kankakee's {site} page on {platform}, posted {posted_date}, "
    "was removed on {removal_date} because it is inconsistent with the City's content requirements "
    "(Social Media Policy, Ordinance 2019-70, Sec. V): {categories}.\n\n"
    "The policy says: {policy_text}\n\n"
    "Reason: {reason}\n\n"
    "The City's Comment Policy is published at https://www.citykankakee-il.gov/. "
    "City of Kankakee, Technical Services Team"
)
NEW_BODY = (
    "Hello. Your comment on {site}, the City of Kankakee's official {platform} account, posted "
    "{posted_date}, was removed on {removal_date} because it is inconsistent with the City's content "
    "requirements (Social Media Policy, Ordinance 2019-70, Sec. V): {categories}.\n\n"
    "The policy says: {policy_text}\n\n"
    "Reason: {reason}\n\n"
    "The City's Comment Policy: {comment_policy_url}\n"
    "City of Kankakee, Technical Services Team"
)


def reword(apps, schema_editor, old=OLD_BODY, new=NEW_BODY):
    NoticeTemplate = apps.get_model("moderation", "NoticeTemplate")
    for template in NoticeTemplate.objects.filter(body=old):
        template.body = new
        template.save(update_fields=["body"])


def restore(apps, schema_editor):
    reword(apps, schema_editor, old=NEW_BODY, new=OLD_BODY)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0011_public_change_triggers")]

    operations = [migrations.RunPython(reword, restore)]

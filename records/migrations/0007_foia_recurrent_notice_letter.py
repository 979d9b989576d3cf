"""The §3.2(b) recurrent requester notice: a letter kind, and its default template (text
frozen here as written; records.foia.letters.DEFAULTS keeps the same text)."""

from django.db import migrations, models

SUBJECT = "Your FOIA request $reference is treated as a recurrent request"
BODY = "Dear $requester_name,\n\nUnder 5 ILCS 140/3.2(b), the $city_name notifies you that it is treating your request received on $received_on as a request from a recurrent requester under 5 ILCS 140/2(g). The reason: the City's record of your requests shows $recurrent_reason\n\nThe $city_name will send an initial response within 21 business days after receipt, by $due_on (5 ILCS 140/3.2(a)). That response will do one or more of the following: (i) give an estimate of the time required to provide the records and of the fees to be charged, which may have to be paid in full before copying; (ii) deny the request under one or more exemptions of the Act; (iii) tell you that the request is unduly burdensome and offer you the opportunity to reduce it to manageable proportions; or (iv) provide the records requested.\n\nSincerely,\n$clerk_name\nFOIA Officer, $city_name"


def create_template(apps, schema_editor):
    template_model = apps.get_model("records", "FoiaLetterTemplate")
    template_model.objects.get_or_create(kind="recurrent", defaults={"subject": SUBJECT, "body": BODY})


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_foia_request_submission_token"),
    ]

    operations = [
        migrations.AlterField(
            model_name="foialetter",
            name="kind",
            field=models.CharField(
                choices=[
                    ("acknowledgement", "Acknowledgement"),
                    ("extension", "Extension notice (§3(e))"),
                    ("fulfilment", "Fulfilment"),
                    ("partial", "Partial fulfilment and partial denial"),
                    ("denial", "Denial (§9)"),
                    ("withdrawal", "Confirmation of withdrawal"),
                    ("recurrent", "Recurrent requester notice (§3.2(b))"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="foialettertemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("acknowledgement", "Acknowledgement"),
                    ("extension", "Extension notice (§3(e))"),
                    ("fulfilment", "Fulfilment"),
                    ("partial", "Partial fulfilment and partial denial"),
                    ("denial", "Denial (§9)"),
                    ("withdrawal", "Confirmation of withdrawal"),
                    ("recurrent", "Recurrent requester notice (§3.2(b))"),
                ],
                max_length=20,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="historicalfoialetter",
            name="kind",
            field=models.CharField(
                choices=[
                    ("acknowledgement", "Acknowledgement"),
                    ("extension", "Extension notice (§3(e))"),
                    ("fulfilment", "Fulfilment"),
                    ("partial", "Partial fulfilment and partial denial"),
                    ("denial", "Denial (§9)"),
                    ("withdrawal", "Confirmation of withdrawal"),
                    ("recurrent", "Recurrent requester notice (§3.2(b))"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="historicalfoialettertemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("acknowledgement", "Acknowledgement"),
                    ("extension", "Extension notice (§3(e))"),
                    ("fulfilment", "Fulfilment"),
                    ("partial", "Partial fulfilment and partial denial"),
                    ("denial", "Denial (§9)"),
                    ("withdrawal", "Confirmation of withdrawal"),
                    ("recurrent", "Recurrent requester notice (§3.2(b))"),
                ],
                db_index=True,
                max_length=20,
            ),
        ),
        migrations.RunPython(create_template, migrations.RunPython.noop),
    ]

"""The default FOIA letters, editable afterwards by the Clerk (portal) or in the admin.

The texts are frozen here as they were written; records.foia.letters.DEFAULTS keeps the
same texts for databases where a template row is missing.
"""

from django.db import migrations

TEMPLATES = {'acknowledgement': ('Your FOIA request $reference',
                     'Dear $requester_name,\n'
                     '\n'
                     'The $city_name received your request under the Illinois Freedom of Information '
                     'Act (5 ILCS 140) on $received_on:\n'
                     '\n'
                     '$description\n'
                     '\n'
                     'We will respond by $due_on.\n'
                     '\n'
                     'Sincerely,\n'
                     '$clerk_name\n'
                     'FOIA Officer, $city_name'),
 'denial': ('Denial of FOIA request $reference',
            'Dear $requester_name,\n'
            '\n'
            'Your request received on $received_on is denied under the following exemptions of the '
            'Illinois Freedom of Information Act:\n'
            '\n'
            '$exemptions\n'
            '\n'
            'The person responsible for this decision is $clerk_name, FOIA Officer.\n'
            '\n'
            'You have a right to have this denial reviewed by the Public Access Counselor, Office of '
            'the Illinois Attorney General, 500 S. Second Street, Springfield, Illinois 62701, (877) '
            '299-3642, public.access@ilag.gov (5 ILCS 140/9.5(a)). You also have the right to judicial '
            'review under 5 ILCS 140/11.\n'
            '\n'
            'Sincerely,\n'
            '$clerk_name\n'
            'FOIA Officer, $city_name'),
 'extension': ('Extension of the time to respond to FOIA request $reference',
               'Dear $requester_name,\n'
               '\n'
               'Under 5 ILCS 140/3(e), the time to respond to your request received on $received_on is '
               'extended by $extension_days business days, because $extension_reason.\n'
               '\n'
               'We will respond by $due_on.\n'
               '\n'
               'Sincerely,\n'
               '$clerk_name\n'
               'FOIA Officer, $city_name'),
 'fulfilment': ('Response to FOIA request $reference',
                'Dear $requester_name,\n'
                '\n'
                'Your request received on $received_on is granted. The $record_count responsive records '
                'are enclosed.\n'
                '\n'
                'Sincerely,\n'
                '$clerk_name\n'
                'FOIA Officer, $city_name'),
 'partial': ('Response to FOIA request $reference (granted in part)',
             'Dear $requester_name,\n'
             '\n'
             'Your request received on $received_on is granted in part. Records are enclosed; parts are '
             'withheld or redacted under the following exemptions:\n'
             '\n'
             '$exemptions\n'
             '\n'
             'The person responsible for this decision is $clerk_name, FOIA Officer.\n'
             '\n'
             'You have a right to have this denial reviewed by the Public Access Counselor, Office of '
             'the Illinois Attorney General, 500 S. Second Street, Springfield, Illinois 62701, (877) '
             '299-3642, public.access@ilag.gov (5 ILCS 140/9.5(a)). You also have the right to judicial '
             'review under 5 ILCS 140/11.\n'
             '\n'
             'Sincerely,\n'
             '$clerk_name\n'
             'FOIA Officer, $city_name'),
 'withdrawal': ('Withdrawal of FOIA request $reference',
                'Dear $requester_name,\n'
                '\n'
                'This confirms that you withdrew your request received on $received_on. No further '
                'action will be taken.\n'
                '\n'
                'Sincerely,\n'
                '$clerk_name\n'
                'FOIA Officer, $city_name')}


def create_templates(apps, schema_editor):
    template_model = apps.get_model("records", "FoiaLetterTemplate")
    for kind, (subject, body) in TEMPLATES.items():
        template_model.objects.get_or_create(kind=kind, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("records", "0002_foia")]

    operations = [migrations.RunPython(create_templates, migrations.RunPython.noop)]

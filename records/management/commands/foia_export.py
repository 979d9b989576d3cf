"""Build the export bundle of a FOIA request synchronously (the same code as the Celery task)
and print where it was written."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.portal.audit import stamp
from moderation.params import is_plain_number
from records.foia.export import build_export, check_exportable
from records.models import FoiaExport, FoiaRequest


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("request", help="Request id or reference (FOIA-2026-0012).")
        parser.add_argument(
            "--as", dest="username", default="", help="Clerk recorded as requesting the export."
        )

    def handle(self, *args, request: str, username: str, **options):
        from django.contrib.auth import get_user_model

        from config.portal import roles

        pk = request.rsplit("-", 1)[-1]
        foia_request = FoiaRequest.objects.filter(pk=int(pk)).first() if is_plain_number(pk) else None
        if foia_request is None:
            raise CommandError(f"No FOIA request {request!r}.")
        try:
            check_exportable(foia_request)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None or not roles.has_role(actor, roles.CITY_CLERK):
                raise CommandError(f"{username!r} is not a City Clerk user.")
        else:
            from config.portal.audit import system_user

            actor = system_user()
        with transaction.atomic():
            export = FoiaExport(request=foia_request, requested_by=actor)
            stamp(export, actor=actor, reason="Export bundle requested (foia_export command)")
            export.save()
        export = build_export(export.pk)
        if export.state != FoiaExport.State.COMPLETE:
            raise CommandError(f"Export #{export.pk} failed: {export.error}")
        self.stdout.write(
            f"Export #{export.pk} of {foia_request.reference}: {export.processed_records} records, "
            f"{export.size} bytes, SHA-256 {export.sha256}\n"
            f"Stored as {export.file_name} in the exports storage."
        )

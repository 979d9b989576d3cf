"""The nightly retention job: list newly eligible, unheld records on a draft Disposal
Certificate, then destroy the records of approved certificates whose disposal date has come."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from records.retention.services import parse_as_of, retention_enforce


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The date to act as of (YYYY-MM-DD); default today, City time.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would happen; change nothing.")
        parser.add_argument("--batch-size", type=int, help="Records per transaction (default from settings).")

    def handle(self, *args, as_of=None, dry_run=False, batch_size=None, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = retention_enforce(as_of=parse_as_of(as_of), dry_run=dry_run, batch_size=batch_size)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for line in report.lines():
            self.stdout.write(line)

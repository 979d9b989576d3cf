"""Check every removal's retained copy against its SHA-256 (Ordinance 2019-70, Sec. VI).

Exits with status 1 and lists the removals whose copy no longer matches, so it can run
from cron or a monitoring job. Reads in batches; changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from moderation.models import Removal


class Command(BaseCommand):
    help = "Verify the SHA-256 of every removal's retained copy (text, time, date, poster)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="rows read per query (default 2000)")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        checked = 0
        broken: list[int] = []
        for removal in Removal.objects.order_by("pk").iterator(chunk_size=batch_size):
            checked += 1
            if not removal.retained_copy_intact():
                broken.append(removal.pk)
                self.stderr.write(f"removal #{removal.pk}: retained copy does not match its SHA-256")
        if broken:
            raise CommandError(f"{len(broken)} of {checked} removals fail verification: {broken[:50]}")
        self.stdout.write(
            f"{checked} removal{'s' if checked != 1 else ''} verified; every retained copy matches."
        )

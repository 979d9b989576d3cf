"""``manage.py capture_site SITE [--full]``: capture one connected site now, synchronously."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from moderation.connectors import engine
from moderation.management.commands.import_captures import find_site
from moderation.models import CaptureRun, SiteConnection


class Command(BaseCommand):
    help = "Capture one connected site from its platform now, printing what the run did."

    def add_arguments(self, parser):
        parser.add_argument("site", help="the site: its id, its handle, or platform/handle")
        parser.add_argument(
            "--full", action="store_true", help="everything the platform lists, not only the recent window"
        )
        parser.add_argument(
            "--rescan", action="store_true", help="the daily re-scan of the recent window, now"
        )

    def handle(self, *args, site, full, rescan, **options):
        site = find_site(site)
        connection = SiteConnection.objects.filter(site=site).first()
        if connection is None:
            raise CommandError(
                f"{site} is not connected to its platform; an administrator connects it first."
            )
        run = engine.capture(site=site, full=full, rescan=True if rescan else None)
        if run is None:
            raise CommandError(f"A capture of {site} is already running; try again when it ends.")
        self.stdout.write(
            f"{site}: {run.get_outcome_display()}\n"
            f"  {run.pages} pages, {run.listings_complete} complete listings\n"
            f"  {run.created} new, {run.updated} changed, {run.unchanged} unchanged\n"
            f"  {run.deletions_found} found deleted on the platform"
            + (
                f"\n  {run.blocked_accounts} accounts on the block list"
                if run.blocked_accounts is not None
                else ""
            )
        )
        if run.outcome != CaptureRun.Outcome.SUCCEEDED:
            raise CommandError(run.error or run.get_outcome_display())

"""``manage.py import_captures --site <site> --format <format> FILE...``"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from config.portal.audit import system_user
from moderation.capture.importers import FORMATS, CaptureError
from moderation.capture.services import captures_import_file
from moderation.params import is_plain_number
from sites_registry.models import Site


def find_site(value: str) -> Site:
    """A site by id, or by ``platform/handle`` (e.g. ``facebook/CityofKankakee``)."""
    sites = Site.objects.select_related("platform")
    if value.isdigit():
        if not is_plain_number(value):
            raise CommandError(f"Unknown site “{value}”: give its id, its handle, or platform/handle.")
        site = sites.filter(pk=int(value)).first()
    elif "/" in value:
        platform, handle = value.split("/", 1)
        site = sites.filter(platform__slug=platform, handle__iexact=handle.lstrip("@")).first()
    else:
        matches = list(sites.filter(handle__iexact=value.lstrip("@"))[:2])
        if len(matches) > 1:
            raise CommandError(f"More than one site has the handle “{value}”; use platform/handle or the id.")
        site = matches[0] if matches else None
    if site is None:
        raise CommandError(f"Unknown site “{value}”: give its id, its handle, or platform/handle.")
    return site


class Command(BaseCommand):
    # Archiving jobs run this once per file, often: the system checks (a third of a
    # second, for URLs, admin, API schema...) belong to deployment (`manage.py check`).
    requires_system_checks = []
    help = (
        "Import captured posts and comments for one City site. Each file is imported whole or not at "
        "all; importing a file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="Site id, handle, or platform/handle.")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="format_name")
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, site: str, format_name: str, files: list[str], **options):
        site_obj = find_site(site)
        actor = system_user()
        failures = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            try:
                with path.open("rb") as stream:
                    result = captures_import_file(
                        actor=actor,
                        site=site_obj,
                        format_name=format_name,
                        stream=stream,
                        source_name=path.name,
                    )
            except CaptureError as exc:
                failures += 1
                self.stderr.write(f"{exc} — nothing imported from {path.name}.")
                continue
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
            linked = f", {result.linked} linked to their parent" if result.linked else ""
            self.stdout.write(f"{path.name}: {result}{linked}.")
        if failures:
            raise CommandError(
                f"{failures} of {len(files)} file(s) were not imported; see the messages above."
            )

from django.core.management.base import BaseCommand, CommandError

from records.foia.export import verify_bundle


class Command(BaseCommand):
    help = "Check every file of a FOIA export bundle against the sizes and SHA-256 hashes of its manifest."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the bundle (.zip).")

    def handle(self, *args, file: str, **options):
        problems = verify_bundle(file)
        if problems:
            raise CommandError(f"{file} does NOT match its manifest:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"{file}: every file matches the manifest."))

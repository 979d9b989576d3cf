from django.core.management.base import BaseCommand, CommandError

from records.foia.export import verify_bundle, verify_bundle_against_ledger


class Command(BaseCommand):
    help = (
        "Check every file of a FOIA export bundle against the sizes and SHA-256 hashes of its manifest, "
        "and, when the portal's database can be reached, the manifest and the bundle against the audit "
        "ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the bundle (.zip).")

    def handle(self, *args, file: str, **options):
        problems = verify_bundle(file)
        if problems:
            raise CommandError(f"{file} does NOT match its manifest:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"{file}: every file matches the manifest."))
        ledger_problems, notes = verify_bundle_against_ledger(file)
        for note in notes:
            self.stdout.write(note)
        if ledger_problems:
            raise CommandError(f"{file} does NOT match the audit ledger:\n  " + "\n  ".join(ledger_problems))

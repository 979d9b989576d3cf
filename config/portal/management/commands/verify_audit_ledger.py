from django.core.management.base import BaseCommand, CommandError

from config.portal.ledger_verify import LedgerUnavailable, parse_head, verify


class Command(BaseCommand):
    help = (
        "Walk the audit ledger's hash chain, recompute every entry's hash and every surviving "
        "history row's, and exit non-zero naming the first entry that does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=int, default=1, help="First entry to check (default 1: all).")
        parser.add_argument(
            "--head",
            help="SEQ:HASH of a chain head kept outside the database (a certificate, a bundle manifest, "
            "the nightly e-mail): the chain must still pass through it.",
        )
        parser.add_argument("--batch-size", type=int, default=20_000, help="Entries read per query.")

    def handle(self, *args, since: int, head: str | None, batch_size: int, verbosity: int, **options):
        try:
            anchored = parse_head(head) if head else None
            if batch_size < 1 or batch_size > 1_000_000:
                raise ValueError("--batch-size must be between 1 and 1,000,000.")
            report = verify(
                since=since,
                head=anchored,
                batch_size=batch_size,
                progress=(lambda r: self.stderr.write(f"  {r.checked:,} entries checked"))
                if verbosity > 1
                else None,
            )
        except (ValueError, LedgerUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        for note in report.notes:
            self.stdout.write(note)
        summary = (
            f"{report.checked:,} entries from {report.since} in {report.seconds:.1f} s: "
            f"{report.rows_checked:,} rows match, {report.rows_disposed:,} disposed of under an approved "
            f"certificate, {report.standalone:,} standalone."
        )
        if not report.ok:
            raise CommandError(f"The audit ledger does NOT verify. {report.problem}\n({summary})")
        self.stdout.write(summary)
        if anchored is not None:
            self.stdout.write(f"The chain passes through the anchored head {anchored[0]}:{anchored[1]}.")
        self.stdout.write(self.style.SUCCESS(f"The audit ledger verifies. Head: {report.head or 'empty'}"))

"""Retention schedules, Disposal Certificates and the tombstones destruction leaves.

"SOCIAL MEDIA RETENTION records are kept for (3) calendar years." Nothing is destroyed
without the Local Records Commission's prior written approval (50 ILCS 205/7;
44 Ill. Adm. Code 4000.40): the nightly job drafts a certificate, the Clerk files it and
records the approval, and only then does the job destroy the records it lists.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.portal.audit import DetailPage, TrackedModel, optional_actor_field
from config.portal.ledger_spec import LedgerSpec

__all__ = [
    "DisposalCertificate",
    "DisposalCertificateItem",
    "DisposalCertificateLine",
    "DisposalTombstone",
    "RetentionSchedule",
    "StoredFileDisposal",
]


class RetentionSchedule(TrackedModel):
    """One record series and how long its records are kept. A schedule change is data.

    ``series`` is the key the registry of record series (``records.series``) uses to find
    the model, its record date and its dependent rows.
    """

    # Who reads this history: the City Clerk (and administrators, who edit schedules).
    history_roles = ("City Clerk",)

    class Trigger(models.TextChoices):
        END_OF_CALENDAR_YEAR = "end_of_calendar_year", "End of the calendar year of the record's date"
        RECORD_DATE = "record_date", "The record's date"
        PERMANENT = "permanent", "Kept permanently"

    series = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    period_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years kept after the trigger; empty for permanent records."
    )
    trigger = models.CharField(max_length=30, choices=Trigger.choices, default=Trigger.END_OF_CALENDAR_YEAR)
    schedule_reference = models.CharField(
        max_length=200, blank=True, help_text="The Local Records Commission's schedule and item number."
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger="permanent", period_years__isnull=True)
                | (~Q(trigger="permanent") & Q(period_years__isnull=False)),
                name="retentionschedule_period_matches_trigger",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_permanent(self) -> bool:
        return self.trigger == self.Trigger.PERMANENT

    def describe_period(self) -> str:
        if self.is_permanent:
            return "Kept permanently"
        years = f"{self.period_years} calendar year{'s' if self.period_years != 1 else ''}"
        if self.trigger == self.Trigger.END_OF_CALENDAR_YEAR:
            return f"{years} after the end of the calendar year of the record's date"
        return f"{years} after the record's date"


class DisposalCertificateQuerySet(models.QuerySet):
    def live(self):
        """Certificates whose records are spoken for (not withdrawn)."""
        return self.exclude(state=DisposalCertificate.State.WITHDRAWN)

    def due(self, as_of):
        """Approved certificates whose disposal date has come."""
        return self.filter(state=DisposalCertificate.State.APPROVED, requested_disposal_date__lte=as_of)


class DisposalCertificate(DetailPage, TrackedModel):
    """A Local Records Disposal Certificate (44 Ill. Adm. Code 4000.40).

    Drafted by the nightly job, filed with the Commission by the Clerk at least 30 days
    before the requested disposal date, approved by the Commission, executed by the job.
    """

    # Who reads this history: the City Clerk, who files certificates (and administrators).
    history_roles = ("City Clerk",)

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        FILED = "filed", "Filed with the Commission"
        APPROVED = "approved", "Approved"
        EXECUTED = "executed", "Executed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    number = models.CharField(max_length=30, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    drafted_at = models.DateTimeField()
    eligible_as_of = models.DateField(help_text="The date on which the listed records were eligible.")

    filed_on = models.DateField(null=True, blank=True, help_text="Date sent to the Commission.")
    filed_by = optional_actor_field()
    requested_disposal_date = models.DateField(null=True, blank=True)
    # Holds override everything: records a hold placed after drafting covers stay listed, but
    # the certificate excludes them, and the Clerk confirms that exclusion when filing.
    held_excluded_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Listed records under a legal hold when the certificate was filed, excluded from it.",
    )
    held_exclusion_confirmed_by = optional_actor_field()
    held_exclusion_confirmed_at = models.DateTimeField(null=True, blank=True)

    approval_number = models.CharField(max_length=100, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approver_name = models.CharField(max_length=200, blank=True)
    approval_recorded_by = optional_actor_field()

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    execution_started_at = models.DateTimeField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)

    objects = DisposalCertificateQuerySet.as_manager()

    detail_url_name = "records:certificate-detail"

    class Meta:
        ordering = ["-drafted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gte=models.F("filed_on")),
                name="disposalcertificate_approved_after_filed",
            ),
            # One open draft at a time: the nightly job adds newly eligible records to it.
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="draft"), name="disposalcertificate_one_draft"
            ),
        ]
        indexes = [
            # DisposalCertificate.objects.due(as_of): the nightly purge.
            models.Index(
                fields=["requested_disposal_date"],
                name="disposalcert_approved_idx",
                condition=Q(state="approved"),
            ),
        ]

    def __str__(self) -> str:
        return f"Disposal Certificate {self.number}"


class DisposalCertificateLine(TrackedModel):
    """One record series on a certificate: how many records, of which dates."""

    # Who reads this history: the City Clerk (and administrators).
    history_roles = ("City Clerk",)

    certificate = models.ForeignKey(DisposalCertificate, on_delete=models.CASCADE, related_name="lines")
    schedule = models.ForeignKey(RetentionSchedule, on_delete=models.PROTECT, related_name="+")
    record_count = models.PositiveIntegerField()
    earliest_record_date = models.DateField()
    latest_record_date = models.DateField()

    class Meta:
        ordering = ["schedule__title"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "schedule"], name="certificateline_unique_series"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.record_count}"


class DisposalCertificateItem(models.Model):
    """One record listed on a certificate and not yet destroyed.

    Written in bulk by the drafting job (up to millions of rows) and never edited: not
    tracked by history, because a history row per item would double the work and say
    nothing the certificate's own history does not. When the record is destroyed the
    item is deleted and its ``DisposalTombstone`` takes its place.
    """

    # Indexed by the unique constraint below, which starts with it.
    certificate = models.ForeignKey(
        DisposalCertificate, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    series = models.SlugField(max_length=60)
    record_id = models.BigIntegerField()
    record_date = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "series", "record_id"], name="certificateitem_unique_record"
            ),
        ]
        indexes = [
            # "Is this record already on a live certificate?" (drafting) and the record's page.
            models.Index(fields=["series", "record_id"], name="certificateitem_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.series} #{self.record_id}"


class DisposalTombstone(models.Model):
    """What is left of a destroyed record: no content, only what proves lawful disposal.

    Kept permanently. Insert-only, written by the disposal service alone in the same
    transaction as the destruction; not tracked by history for the same reason as
    ``DisposalCertificateItem`` (one immutable row per destroyed record).
    """

    series = models.SlugField(max_length=60)
    original_id = models.BigIntegerField()
    record_date = models.DateTimeField()
    record_created_at = models.DateTimeField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64)
    # Indexed by tombstone_certificate_idx, which starts with it. No database constraint: its
    # check is a trigger per inserted row, which cost a third of the purge's time per batch;
    # certificates are never deleted (PROTECT here, no delete permission in any role or the admin).
    certificate = models.ForeignKey(
        DisposalCertificate,
        on_delete=models.PROTECT,
        related_name="tombstones",
        db_index=False,
        db_constraint=False,
    )
    destroyed_at = models.DateTimeField()

    # Its ledger entry is the proof that the record's history rows were removed by law.
    ledger_spec = LedgerSpec(kind="'tombstone'", record="r.original_id")

    class Meta:
        ordering = ["series", "original_id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "original_id"], name="tombstone_one_per_record"),
        ]
        indexes = [
            # A certificate's tombstone list, in order (the certificate page).
            models.Index(fields=["certificate", "series", "original_id"], name="tombstone_certificate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.series} #{self.original_id} destroyed {self.destroyed_at:%Y-%m-%d}"


class StoredFileDisposal(models.Model):
    """A stored file whose record was destroyed, waiting to be deleted from its storage.

    Written by the disposal service in the same transaction as the destruction and deleted
    once the file is gone: a crash between the commit and the file's deletion leaves this
    row, and the next run deletes the file. A work queue, not a record (no history): the
    destroyed record's tombstone is the proof of disposal.
    """

    series = models.SlugField(max_length=60)
    original_id = models.BigIntegerField()
    file_name = models.CharField(max_length=300)
    queued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.file_name} ({self.series} #{self.original_id})"

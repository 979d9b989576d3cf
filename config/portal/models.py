from django.db import models
from django.utils import timezone

from config.portal.audit import TrackedModel


class JobRun(models.Model):
    """One run of a scheduled or queued job, so administrators can see jobs ran.

    Operational log, not a record of the City: it is not tracked by history.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=200)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    hostname = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_started_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class CityClosure(TrackedModel):
    """A day City Hall is closed beyond the Illinois state holidays (snow day, local holiday).

    Closures are not business days for statutory clocks (5 ILCS 140 §3) or report timers.
    """

    # Closure days move every statutory clock: every staff role may see who changed one.
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class LedgerShape(models.Model):
    """The columns of a ledgered table whose content an entry's SHA-256 covers.

    A migration that adds a column to a history table must not make every earlier entry look
    tampered with: each entry names the shape its table had when the entry was written, and the
    verifier hashes a surviving row over exactly those columns. Written by ``migrate`` alone
    (``config.portal.ledger.install``); append-only like the ledger.
    """

    subject = models.CharField(max_length=100)
    columns = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["subject", "-id"], name="ledgershape_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject} shape {self.pk}"


class LedgerEntry(models.Model):
    """One link of the audit ledger: a hash chain over every history row, disposal tombstone,
    sign-in event and built export bundle. Holds no record content.

    Written only by the database (``config.portal.ledger``: a trigger on every ledgered table,
    fired when the writing transaction commits), in one order with no gaps: the sequence number
    is taken under one advisory lock from the entry before it. Never updated or deleted (the
    table refuses it, and the production grants give the portal INSERT and SELECT only).
    """

    seq = models.BigIntegerField(primary_key=True)
    recorded_at = models.DateTimeField()
    # What the entry is about: the ledgered table (model label), the row (history id, tombstone
    # id, ...), the record it belongs to, the kind of event and who did it.
    subject = models.CharField(max_length=100)
    row_id = models.BigIntegerField(null=True)
    record_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=30)
    actor_id = models.BigIntegerField(null=True)
    shape_id = models.IntegerField(null=True)
    content_sha256 = models.CharField(max_length=64)
    # The record whose disposal tombstone (on an approved certificate) lawfully removes the row.
    cover_series = models.CharField(max_length=60, null=True)
    cover_record_id = models.BigIntegerField(null=True)
    prev_sha256 = models.CharField(max_length=64)
    entry_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject} {self.row_id}"

    @property
    def head(self) -> str:
        return f"{self.seq}:{self.entry_sha256}"


class LedgerPending(models.Model):
    """A ledgered row written by a transaction that has not committed yet (work table).

    The statement trigger of a ledgered table lists its new rows here; when the transaction
    commits, ``portal_ledger_flush_tx`` turns them into entries and empties this table of them.
    Never holds a committed row; unlogged (see ``config.portal.ledger.install``).
    """

    txid = models.BigIntegerField()
    tbl = models.CharField(max_length=63)
    row_id = models.BigIntegerField()

    class Meta:
        indexes = [
            # portal_ledger_flush_tx: the rows of one transaction, table by table.
            models.Index(fields=["txid", "tbl"], name="ledgerpending_txid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tbl} row {self.row_id} (transaction {self.txid})"


class LedgerFlush(models.Model):
    """One row per transaction with pending ledgered rows: its deferred trigger fires at commit."""

    txid = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"transaction {self.txid}"


class PublicChange(models.Model):
    """When the data behind a group of public pages ("topic") last changed.

    Written only by database triggers (see ``config.portal.public_cache``) on the tables each
    topic shows, whatever writes them: a service, the admin site, the purge, raw SQL. The
    public pages read this one row per topic to build their ETag and to key what they cache,
    so a conditional request is answered without computing the page, and a change is seen by
    the very next request. ``token`` is random, not a counter: a rolled-back transaction or a
    restored backup can never bring back a token whose cached page shows other data.

    Operational state, not a record of the City: it is not tracked by history.
    """

    topic = models.CharField(max_length=40, primary_key=True)
    token = models.BigIntegerField()
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.topic} changed {self.changed_at:%Y-%m-%d %H:%M:%S}"


from config.portal.accounts.models import SignInEvent  # noqa: E402,F401 (the sign-in log, app label "portal")

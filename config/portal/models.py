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

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


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

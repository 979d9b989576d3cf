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


from config.portal.accounts.models import SignInEvent  # noqa: E402,F401 (the sign-in log, app label "portal")

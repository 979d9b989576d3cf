"""Automatic capture: a site's connection to its platform, the state of its captures, and
the block lists captured from the platforms.

- ``SiteConnection`` (tracked): that an administrator connected a site, how, to which
  platform account, and on what schedule. Its history says who connected, reauthorized
  and disconnected it.
- ``ConnectionSecret`` (not tracked, on purpose): the credentials, encrypted with the keys in
  ``CONNECTOR_TOKEN_KEYS`` (moderation.connectors.crypto). Kept out of history, logs and
  exports; no page ever shows them again.
- ``CaptureState`` (not tracked): where a capture that stopped part-way carries on (cursors), and the
  last success and error, written by every run; operational, like ``JobRun``.
- ``CaptureRun`` (not tracked): one capture of one site, with what it found.
- ``PlatformBlock`` (tracked, the "platform-block-lists" series): an account the site has
  blocked on the platform, with when the portal first and last saw it on the platform's
  list (the Illinois Public Access Counselor holds such lists to be public records,
  2020 PAC 63566).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from config.portal.audit import TrackedModel, actor_field, optional_actor_field


class SiteConnection(TrackedModel):
    # Who reads this history: administrators only (an empty tuple), who connect sites.
    history_roles = ()

    class State(models.TextChoices):
        CONNECTED = "connected", "Connected"
        NEEDS_REAUTHORIZATION = "needs_reauthorization", "Needs reauthorization"
        DISCONNECTED = "disconnected", "Disconnected"

    class Method(models.TextChoices):
        OAUTH = "oauth", "Authorized through the platform (OAuth)"
        TOKEN = "token", "Long-lived token pasted by an administrator"

    site = models.OneToOneField("sites_registry.Site", on_delete=models.PROTECT, related_name="connection")
    state = models.CharField(max_length=30, choices=State.choices, default=State.CONNECTED)
    method = models.CharField(max_length=10, choices=Method.choices)
    account_id = models.CharField(
        "platform account id",
        max_length=200,
        help_text="The platform's id of the account: the Facebook Page id, the Instagram professional "
        "account's user id, the X user id, or the YouTube channel id (UC…).",
    )
    interval_minutes = models.PositiveIntegerField(
        "minutes between captures",
        null=True,
        blank=True,
        help_text="Empty: the portal's default (CAPTURE_INTERVAL_MINUTES).",
    )
    connected_by = actor_field()
    connected_at = models.DateTimeField(default=timezone.now)
    state_reason = models.TextField("why it is in this state", blank=True)

    class Meta:
        ordering = ["site__account_name"]

    def __str__(self) -> str:
        return f"{self.site} ({self.get_state_display().lower()})"


class ConnectionSecret(models.Model):
    """The connection's credentials, encrypted (a MultiFernet token of a JSON object with
    ``access_token`` and, from OAuth, ``refresh_token`` and ``expires_at``)."""

    connection = models.OneToOneField(SiteConnection, on_delete=models.CASCADE, related_name="secret")
    ciphertext = models.TextField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"credentials of {self.connection_id}"

    def __repr__(self) -> str:  # never the ciphertext, not even in a debugger's listing
        return f"<ConnectionSecret of connection {self.connection_id}>"


class CaptureState(models.Model):
    connection = models.OneToOneField(SiteConnection, on_delete=models.CASCADE, related_name="capture")
    # Where the next run carries on, for a run that stopped part-way: the listings it had done
    # and the page it was on.
    cursors = models.JSONField(default=dict, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_rescan_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # E-mails sent once per episode, not every run.
    reauthorization_notified_at = models.DateTimeField(null=True, blank=True)
    stale_notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"capture state of connection {self.connection_id}"


class CaptureRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        # Stopped part-way on a platform limit or fault: what was fetched is kept, the
        # next run carries on from the cursor, and nothing was marked deleted.
        PARTIAL = "partial", "Stopped part-way; the next run carries on"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted (the worker stopped); the next run carried on"

    site = models.ForeignKey("sites_registry.Site", on_delete=models.CASCADE, related_name="capture_runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    rescan = models.BooleanField("re-scan of the recent window", default=False)
    full = models.BooleanField("everything the platform lists", default=False)
    requested_by = optional_actor_field(on_delete=models.SET_NULL)
    pages = models.PositiveIntegerField(default=0)
    listings_complete = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deletions_found = models.PositiveIntegerField(default=0)
    blocked_accounts = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["site", "-started_at"], name="capturerun_site_started_idx")]

    def __str__(self) -> str:
        return f"capture of {self.site_id} at {self.started_at:%Y-%m-%d %H:%M} ({self.outcome})"

    @property
    def items(self) -> int:
        return self.created + self.updated + self.unchanged


class PlatformBlock(TrackedModel):
    """One account on a site's block list as the platform reports it. Record date:
    ``last_seen_at`` (the entry is kept for its schedule after it leaves the list)."""

    # Who reads this history: every staff role (block lists are public records).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    site = models.ForeignKey("sites_registry.Site", on_delete=models.PROTECT, related_name="platform_blocks")
    commenter = models.ForeignKey(
        "moderation.Commenter", on_delete=models.PROTECT, related_name="platform_blocks"
    )
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    # When a complete listing of the block list first lacked the account: unblocked.
    gone_at = models.DateTimeField("no longer listed", null=True, blank=True)
    raw_payload = models.TextField(blank=True)

    class Meta:
        ordering = ["site", "-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "commenter"], name="platformblock_site_commenter_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.commenter} blocked on {self.site}"


__all__ = ["CaptureRun", "CaptureState", "ConnectionSecret", "PlatformBlock", "SiteConnection"]

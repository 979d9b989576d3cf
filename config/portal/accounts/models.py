"""The sign-in log: every sign-in, failure, lockout, unlock and second-factor event, with
time and address, for administrators to read (admin site: Portal › Sign-in events).

An operational security log rather than a record of the City's social media: it is not
tracked by django-simple-history and no page edits it; every row is chained into the audit
ledger (``config.portal.ledger``). Passwords and codes never enter it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.portal.ledger_spec import LedgerSpec


class SignInEvent(models.Model):
    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in (password)"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        UNLOCKED = "unlocked", "Unlocked by an administrator"
        SECOND_FACTOR_PASSED = "second_factor_passed", "Second factor passed"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor failed"
        FACTOR_ENROLLED = "factor_enrolled", "Second factor enrolled"
        FACTOR_REMOVED = "factor_removed", "Second factor removed"
        FACTORS_RESET = "factors_reset", "Second factors reset by an administrator"
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Recovery codes issued"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset by e-mail link"
        SIGNED_OUT = "signed_out", "Signed out"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    # The user name as typed (a failed sign-in may name nobody), and the account when known.
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=200, blank=True)
    # The administrator who unlocked or reset, for those kinds.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)

    # Chained into the audit ledger (config.portal.ledger). Rows are never updated, which is why
    # the accounts they name are protected: accounts are deactivated, never deleted.
    ledger_spec = LedgerSpec(kind="r.kind", record="r.user_id", actor="coalesce(r.actor_id, r.user_id)")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # The admin list: newest first, filtered by kind.
            models.Index(fields=["-occurred_at"], name="signinevent_occurred_idx"),
            # An administrator looking up one person's sign-ins.
            models.Index(fields=["username", "-occurred_at"], name="signinevent_username_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username or '-'}"

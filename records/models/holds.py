from __future__ import annotations

from django.db import models
from django.db.models import Q

from config.portal.audit import DetailPage, TrackedModel, actor_field, optional_actor_field

__all__ = [
    "HoldScope",
    "LegalHold",
]


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)


class LegalHold(DetailPage, TrackedModel):
    """A hold on records for litigation, an investigation, an audit or a FOIA request.

    Holds override everything: a held record is never destroyed, even on an approved
    Disposal Certificate (50 ILCS 205/7; destroying a record after a FOIA request for it
    violates FOIA, PAC opinion 19-013). It covers the union of its scopes (``HoldScope``);
    a pending FOIA request's hold has one scope, exactly the request's.
    """

    class Kind(models.TextChoices):
        LITIGATION = "litigation", "Litigation"
        INVESTIGATION = "investigation", "Investigation"
        AUDIT = "audit", "Audit"
        FOIA_REQUEST = "foia_request", "Pending FOIA request"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LITIGATION)
    reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="Case number, audit reference, or the FOIA request's number for automatic holds.",
    )
    matter = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    placed_by = actor_field(related_name="legal_holds_placed")
    placed_at = models.DateTimeField()
    released_by = optional_actor_field(related_name="legal_holds_released")
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    # Hold pages are the Clerk's: a hold's matter and scope (for a FOIA hold, the request's
    # search terms and commenters) are not for the other roles, nor is its history.
    history_roles = ("City Clerk",)

    detail_url_name = "records:hold-detail"

    class Meta:
        ordering = ["-placed_at"]
        indexes = [
            # LegalHold.objects.active(): every disposal run and every record page.
            models.Index(
                fields=["placed_at"], name="legalhold_active_idx", condition=Q(released_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.released_at is None

    @property
    def pending_foia_request(self):
        """The FOIA request whose responsive records this hold keeps, while it is not closed or
        withdrawn (PAC opinion 19-013): such a hold is released by closing the request only."""
        request = getattr(self, "foia_request", None)
        if request is None or request.state in (request.State.CLOSED, request.State.WITHDRAWN):
            return None
        return request


class HoldScope(TrackedModel):
    """One scope of a legal hold: the same criteria as a FOIA request's scope (AND across
    criteria, OR within one; ``records.series.scope.Scope``).

    Sites, commenters and chosen records are kept as ids rather than links, so that a hold
    disposed of after its release takes nothing with it but its own rows, and a record it once
    named may be destroyed after the release without touching the hold's account of itself.
    """

    hold = models.ForeignKey(LegalHold, on_delete=models.CASCADE, related_name="scopes")
    series = models.JSONField(default=list, blank=True, help_text="Record series keys; empty: every series.")
    site_ids = models.JSONField(default=list, blank=True)
    commenter_ids = models.JSONField(default=list, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    search_terms = models.TextField(blank=True, help_text="One term or phrase per line.")
    record_ids = models.JSONField(default=list, blank=True, help_text="Captured items chosen explicitly.")

    history_roles = ("City Clerk",)

    class Meta:
        ordering = ["hold", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_from__lte=models.F("date_to")),
                name="holdscope_date_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Scope {self.pk} of {self.hold}"

    def terms(self) -> list[str]:
        return [line.strip() for line in self.search_terms.splitlines() if line.strip()]

from __future__ import annotations

from django.db import models
from django.urls import reverse

from config.audit import TrackedModel


class Platform(TrackedModel):
    """A social media service the City may hold accounts on (Ordinance 2019-70, Sec. IV)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    # Host names an account's URL must be on, e.g. ["facebook.com", "fb.com"].
    domains = models.JSONField(default=list, blank=True)
    terms_url = models.URLField("terms of service URL", blank=True)
    reporting_url = models.URLField("platform's own reporting URL", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(TrackedModel):
    """An official City social media account, approved by the Communications Office."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"
        RETIRED = "retired", "Retired"

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="sites")
    account_name = models.CharField(max_length=200)
    handle = models.CharField(max_length=200)
    url = models.URLField("public URL", max_length=500)
    department = models.CharField("owning department", max_length=200)
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)

    class Meta:
        ordering = ["platform__name", "account_name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle"], name="site_unique_platform_handle"),
        ]

    def __str__(self) -> str:
        return f"{self.account_name} ({self.platform.name})"

    def get_absolute_url(self) -> str:
        return reverse("sites_registry:site-detail", args=[self.pk])

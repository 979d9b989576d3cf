from __future__ import annotations

import hashlib

from django.db import models
from django.urls import reverse
from django.utils import timezone

from config.audit import TrackedModel


class Commenter(TrackedModel):
    """A person or account that wrote on a City site, as the platform identifies them."""

    platform = models.ForeignKey(
        "sites_registry.Platform", on_delete=models.PROTECT, related_name="commenters"
    )
    platform_user_id = models.CharField(max_length=200)
    display_name = models.CharField(max_length=500, blank=True)
    profile_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_user_id"], name="commenter_unique_platform_user"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.platform_user_id


class Comment(TrackedModel):
    """A captured item: a City post, or a resident's comment or reply, on a City site.

    A public record (Ordinance 2019-70, Sec. IV "Procedure"). The raw payload is kept
    exactly as received, as text, so its SHA-256 can be checked at any time.
    """

    class Kind(models.TextChoices):
        CITY_POST = "city_post", "City post"
        COMMENT = "comment", "Comment"
        REPLY = "reply", "Reply"

    class PlatformState(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden on the platform"
        DELETED = "deleted", "Deleted on the platform"

    site = models.ForeignKey("sites_registry.Site", on_delete=models.PROTECT, related_name="comments")
    platform_item_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        Commenter, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    text = models.TextField(blank=True)
    posted_at = models.DateTimeField()
    captured_at = models.DateTimeField(default=timezone.now)
    permalink = models.URLField(max_length=1000, blank=True)
    raw_payload = models.TextField(blank=True)
    payload_sha256 = models.CharField(max_length=64, blank=True)
    platform_state = models.CharField(
        max_length=20, choices=PlatformState.choices, default=PlatformState.VISIBLE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "platform_item_id"], name="comment_unique_site_item"),
        ]
        indexes = [
            models.Index(fields=["site", "posted_at"], name="comment_site_posted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.platform_item_id} on {self.site_id}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:comment-detail", args=[self.pk])

    @staticmethod
    def sha256_of(raw_payload: str) -> str:
        return hashlib.sha256(raw_payload.encode("utf-8")).hexdigest()

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.portal.audit import DetailPage, TrackedModel, optional_actor_field

__all__ = [
    "Comment",
    "Commenter",
    "IntegrationToken",
]


class Commenter(TrackedModel):
    """A person or account that wrote on a City site, as the platform identifies them."""

    # Who reads this history: every staff role (captured records are read by all three).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

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


class CommentQuerySet(models.QuerySet):
    def needs_review(self):
        """New or changed items that TST has not reviewed yet: residents' words on a City
        site (the City's own, reposts and posts kept only for context are left out)."""
        return self.filter(reviewed_at__isnull=True, from_city=False).exclude(kind__in=NOT_REVIEWED_KINDS)

    def awaiting_response(self):
        """Comments asking the City for a response that nobody marked answered (Sec. V)."""
        return self.filter(asks_for_response=True, response_answered_at__isnull=True)


# Kinds that hold no words written on a City site: a repost shares another post, a
# referenced post is kept for context. Nothing in them is for TST to review.
NOT_REVIEWED_KINDS = ("repost", "referenced")


class Comment(DetailPage, TrackedModel):
    """A captured item: a City post, or a resident's comment or reply, on a City site.

    A public record (Ordinance 2019-70, Sec. IV "Procedure"). The raw payload is kept
    exactly as received, as text, so its SHA-256 can be checked at any time.
    """

    # Who reads this history: every staff role (edits are evidence, read by all three).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Kind(models.TextChoices):
        CITY_POST = "city_post", "City post"
        COMMENT = "comment", "Comment"
        REPLY = "reply", "Reply"
        # A share of another post without words of its own (an X retweet, "RT @…").
        REPOST = "repost", "Repost"
        # A post that a captured item quotes, reposts or replies to, kept so that the
        # record reads in full; it was not written on the City's site.
        REFERENCED = "referenced", "Referenced post"

    class PlatformState(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden on the platform"
        DELETED = "deleted", "Deleted on the platform"
        # The platform answered that it cannot give the item (X: "Not Found" or not
        # authorised for a referenced post): deleted, withheld or protected.
        UNAVAILABLE = "unavailable", "Not available from the platform"

    # Full-text search: on PostgreSQL the table also has a ``search_vector`` tsvector
    # column, generated from ``text`` and GIN-indexed (migration 0002). It is not a
    # Django field, so the history table does not copy it; moderation.capture.search reads it.

    # No index of its own: the unique constraint (site, platform_item_id) and the
    # (site, posted_at) index both start with it.
    site = models.ForeignKey(
        "sites_registry.Site", on_delete=models.PROTECT, related_name="comments", db_index=False
    )
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
    posted_at_derived = models.BooleanField(
        "time derived from the id",
        default=False,
        help_text="The platform gave no time; it was derived from the item's id (X ids carry it).",
    )
    captured_at = models.DateTimeField(default=timezone.now)
    permalink = models.URLField(max_length=1000, blank=True)
    raw_payload = models.TextField(blank=True)
    payload_sha256 = models.CharField(max_length=64, blank=True)
    # SHA-256 of the payload's content (JSON parsed and written canonically): what decides
    # whether a re-capture changed the item. The same file saved again with other line
    # endings or spacing changes the bytes, not the item (moderation.capture.importers.content).
    content_sha256 = models.CharField(max_length=64, blank=True)
    platform_state = models.CharField(
        max_length=20, choices=PlatformState.choices, default=PlatformState.VISIBLE
    )
    platform_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the platform says the item was deleted."
    )
    # Automatic capture: when a complete listing of the item's parent (every page fetched,
    # no error) first lacked it, so it was marked deleted on the platform. The platform
    # does not say when it was deleted, only that it is gone: this is when we knew.
    found_missing_at = models.DateTimeField(
        "found missing", null=True, blank=True, help_text="When a complete listing first lacked the item."
    )
    # Private information found in the text (config.portal.private_info), computed once when the
    # text is captured or changes, never on every page view. None: captured before hints
    # were kept; pages then compute them.
    private_hints = models.JSONField(null=True, blank=True, editable=False)
    # The platform id of the parent as the platform gave it: kept so that a reply
    # captured before its parent is linked when the parent arrives.
    parent_platform_item_id = models.CharField(max_length=200, blank=True)
    from_city = models.BooleanField(
        "written by the City's own account", default=False, help_text="The City's posts and replies."
    )
    edit_count = models.PositiveIntegerField(
        default=0, help_text="Captures that found changed text; the history keeps every version."
    )
    # TST monitoring queue: an item is new until reviewed; changed text makes it new again.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The two user links below are never searched by; staff accounts are deactivated,
    # not deleted, so no index is kept for them (each index slows every capture).
    reviewed_by = optional_actor_field(on_delete=models.SET_NULL, db_index=False)
    # Sec. V: comments asking the City for a response, until TST marks them answered.
    asks_for_response = models.BooleanField(default=False)
    response_answered_at = models.DateTimeField(null=True, blank=True)
    response_answered_by = optional_actor_field(on_delete=models.SET_NULL, db_index=False)

    objects = CommentQuerySet.as_manager()

    detail_url_name = "moderation:comment-detail"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "platform_item_id"], name="comment_unique_site_item"),
        ]
        indexes = [
            models.Index(fields=["site", "posted_at"], name="comment_site_posted_idx"),
            # Search results and browse, newest first: ORDER BY posted_at DESC, id DESC.
            models.Index(fields=["posted_at", "id"], name="comment_posted_idx"),
            # Comment.objects.needs_review(): the TST queue, oldest first by id.
            models.Index(
                fields=["id"],
                name="comment_needs_review_idx",
                condition=Q(reviewed_at__isnull=True, from_city=False) & ~Q(kind__in=NOT_REVIEWED_KINDS),
            ),
            # The same queue for one site (the queue's site filter, the import result's link):
            # WHERE site_id = … AND <needs review> ORDER BY id.
            models.Index(
                fields=["site", "id"],
                name="comment_site_review_idx",
                condition=Q(reviewed_at__isnull=True, from_city=False) & ~Q(kind__in=NOT_REVIEWED_KINDS),
            ),
            # Recently captured items (staff home page).
            models.Index(fields=["captured_at"], name="comment_captured_idx"),
            # The importer's last step links items captured before their parent: WHERE
            # site_id = … AND parent_id IS NULL AND parent_platform_item_id IN (ids the
            # import created). Only waiting items are indexed.
            models.Index(
                fields=["site", "parent_platform_item_id"],
                name="comment_orphan_idx",
                condition=Q(parent__isnull=True) & ~Q(parent_platform_item_id=""),
            ),
            # Automatic capture: the replies a complete listing of one item's replies accounts
            # for (WHERE site_id = … AND parent_platform_item_id = …, the engine's missing-item
            # check after every such listing), and the threads whose replies are held (… IN
            # (the threads of a page), the YouTube re-scan). Without it each listing read every
            # item of the site: a capture's time grew with the square of its size.
            models.Index(fields=["site", "parent_platform_item_id"], name="comment_parent_item_idx"),
            # Comment.objects.awaiting_response(): Sec. V questions not yet answered.
            models.Index(
                fields=["id"],
                name="comment_awaiting_reply_idx",
                condition=Q(asks_for_response=True, response_answered_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.platform_item_id} on {self.site_id}"

    @property
    def payload_intact(self) -> bool:
        """True while the stored payload still matches the SHA-256 taken at capture."""
        return self.sha256_of(self.raw_payload) == self.payload_sha256

    @staticmethod
    def sha256_of(raw_payload: str) -> str:
        return hashlib.sha256(raw_payload.encode("utf-8")).hexdigest()


class IntegrationTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class IntegrationToken(TrackedModel):
    """A token an archiving tool uses to push captures through the API (``/api/v1/``).

    Only the SHA-256 of the token is stored; the token itself is shown once, when an
    administrator creates it in the admin site. A token may push to the sites it names.
    """

    # Who reads this history: administrators only (an empty tuple), who issue and revoke tokens.
    history_roles = ()

    name = models.CharField(max_length=200, help_text="The archiving tool or integration it is for.")
    token_prefix = models.CharField(max_length=12, editable=False, help_text="To recognise the token.")
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    sites = models.ManyToManyField("sites_registry.Site", related_name="integration_tokens")
    created_by = optional_actor_field(on_delete=models.SET_NULL)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = IntegrationTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @staticmethod
    def hash_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    def issue(self) -> str:
        """Give this (unsaved) row a new random token; returns the token, to show once."""
        token = "kkc_" + secrets.token_urlsafe(32)
        self.token_prefix = token[:12]
        self.token_sha256 = self.hash_of(token)
        return token

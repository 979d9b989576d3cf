"""Removals under the fourteen categories of Sec. V, reports to the Communications Office,
referrals, commenter notices and account restrictions (Ordinance 2019-70, Sec. V and VI).

Record dates (the date each record series counts its retention from):
``Removal.removed_at``, ``ViolationReport.notified_at``, ``Referral.referred_at``,
``CommenterNotice.recorded_at``, ``AccountRestriction.requested_at``,
``NoticeTemplate.created_at``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from config.portal.audit import DetailPage, TrackedModel, actor_field, optional_actor_field

__all__ = [
    "DEFAULT_NOTICE_BODY",
    "NOTICE_PLACEHOLDERS",
    "POLICY_TEXT",
    "VIEWPOINT_SENSITIVE",
    "AccountRestriction",
    "CommenterNotice",
    "IllinoisStatute",
    "NoticeTemplate",
    "ProhibitedCategory",
    "Referral",
    "Removal",
    "RemovalCategory",
    "RetainedContentChanged",
    "ViolationReport",
]


class ProhibitedCategory(models.TextChoices):
    """The kinds of User Comment Sec. V prohibits, in the ordinance's order."""

    OFF_TOPIC = "off_topic", "Off-topic"
    THREATS_HARASSMENT = "threats_harassment", "Threats, personal attacks, harassment"
    DEFAMATION = "defamation", "Defamation"
    HATE_SPEECH = "hate_speech", "Hate speech or discrimination"
    PROFANE_OBSCENE = "profane_obscene", "Profane, obscene or sexual content"
    VIOLENCE_OR_LAW = "violence_or_law", "Violence or violation of law"
    IMPERSONATION = "impersonation", "Impersonation"
    FALSE_MISLEADING = "false_misleading", "False or misleading information"
    COMMERCIAL = "commercial", "Commercial solicitation"
    PRIVACY = "privacy", "Privacy-invasive content or personal identifying information"
    PUBLIC_SAFETY = "public_safety", "Compromises investigations or public safety"
    POLITICAL_CAMPAIGN = "political_campaign", "Political campaign advocacy"
    COPYRIGHT = "copyright", "Copyright infringement"
    CYBER_ATTACK = "cyber_attack", "Cyber attack, malware, phishing or spam"

    @property
    def policy_text(self) -> str:
        return POLICY_TEXT[self]

    @property
    def needs_second_review(self) -> bool:
        return self in VIEWPOINT_SENSITIVE


# The ordinance's own words for each category (Sec. V, "Comment Policy").
POLICY_TEXT: dict[str, str] = {
    ProhibitedCategory.OFF_TOPIC: (
        "Comments unrelated to the business, purpose and topical scope of the City site."
    ),
    ProhibitedCategory.THREATS_HARASSMENT: (
        "Threats, personal attacks, harassment or advocating the harassment of another person."
    ),
    ProhibitedCategory.DEFAMATION: (
        "Content that defames or is potentially libelous of any person or organization."
    ),
    ProhibitedCategory.HATE_SPEECH: (
        "Content that contains hate speech or promotes, fosters, or perpetuates discrimination on the basis "
        "of race, creed, color, age, religion, gender, marital status, status with regard to public "
        "assistance, national origin, physical or mental disability or sexual orientation."
    ),
    ProhibitedCategory.PROFANE_OBSCENE: (
        "Profane, obscene, sexual or pornographic content or language and/or links to such content."
    ),
    ProhibitedCategory.VIOLENCE_OR_LAW: (
        "Content which contains or encourages violence or the violation of any federal, state or local law. "
        "Content that is in violation of Illinois Stalking (720 ILCS 5/12-7.3 et seq.), Cyberstalking "
        "(720 ILCS 5/12-7.5 et seq.), Threatening a Public Official (720 ILCS 5/12-9 et seq.), Disorderly "
        "Conduct (720 ILCS 5/26-1 et seq.) laws or any other similar law."
    ),
    ProhibitedCategory.IMPERSONATION: (
        "Impersonating any person or entity or falsely misrepresenting your affiliation with any other "
        "person or entity."
    ),
    ProhibitedCategory.FALSE_MISLEADING: "Promoting or providing information that is false or misleading.",
    ProhibitedCategory.COMMERCIAL: (
        "Solicitations of commerce including but not limited to, advertising of any non-government related "
        "event, or business or product for sale."
    ),
    ProhibitedCategory.PRIVACY: (
        "Behavior invasive of another person's or entity's privacy. Content containing personal "
        "identifiable information, such as an address, phone number, social security number or other "
        "sensitive information."
    ),
    ProhibitedCategory.PUBLIC_SAFETY: (
        "Information which may interfere with or compromise current investigations, police tactics and the "
        "safety or security of public safety staff and/or the public or electronic systems."
    ),
    ProhibitedCategory.POLITICAL_CAMPAIGN: (
        "Promotion or advertisement in favor of, or in opposition to a political campaign, ballot measure "
        "or candidate."
    ),
    ProhibitedCategory.COPYRIGHT: (
        "Distribution of copyrighted photographs, music, video, graphics or other content without the "
        "express permission of the copyright holder."
    ),
    ProhibitedCategory.CYBER_ATTACK: (
        "Taking any action which disrupts the operation of the Service, including Cyber Attacks: Malware, "
        "Phishing, Spam, Viruses, Man-in-the-middle attack (MitM), Denial-of-service attack (DoS), "
        "Structured Query Language (SQL) injection, Zero-day exploit or any other form of Cyber Attack."
    ),
}

# Categories that invite a judgement on what was said rather than how: on a limited
# public forum these removals wait for a second review by the Communications Office
# before they count as upheld (viewpoint neutrality).
VIEWPOINT_SENSITIVE = frozenset(
    {ProhibitedCategory.OFF_TOPIC, ProhibitedCategory.FALSE_MISLEADING, ProhibitedCategory.POLITICAL_CAMPAIGN}
)


class IllinoisStatute(models.TextChoices):
    """The statutes Sec. V names; law violations are referred to law enforcement (Sec. VI)."""

    STALKING = "720 ILCS 5/12-7.3", "Stalking (720 ILCS 5/12-7.3)"
    CYBERSTALKING = "720 ILCS 5/12-7.5", "Cyberstalking (720 ILCS 5/12-7.5)"
    THREATENING_PUBLIC_OFFICIAL = "720 ILCS 5/12-9", "Threatening a Public Official (720 ILCS 5/12-9)"
    DISORDERLY_CONDUCT = "720 ILCS 5/26-1", "Disorderly Conduct (720 ILCS 5/26-1)"
    OTHER = "other", "Other law (name it)"


class RetainedContentChanged(ValidationError):
    """Raised when anything tries to alter a removal's retained copy (Sec. VI)."""


class RemovalQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(reinstated_at__isnull=True)

    def awaiting_second_review(self):
        return self.filter(review_status=Removal.ReviewStatus.PENDING)

    def update(self, **kwargs):
        retained = set(Removal.RETAINED_FIELDS) | {
            name.removesuffix("_id") for name in Removal.RETAINED_FIELDS
        }
        changed = set(kwargs) & retained
        if changed:
            raise RetainedContentChanged(
                f"The retained copy of a removed item cannot be changed ({', '.join(sorted(changed))})."
            )
        return super().update(**kwargs)


class Removal(DetailPage, TrackedModel):
    """A captured item removed from a City site, with the City's content-neutral reason.

    Sec. VI: content removed "must be retained ... including the time, date and identity
    of the poster". The ``retained_*`` fields are the removal's own copy, made when the
    item was removed, with a SHA-256 over them; they never change afterwards (``save``
    and ``QuerySet.update`` refuse) and are only destroyed with the whole record by the
    retention disposal process. Record date: ``removed_at``.
    """

    # Who reads this history: every staff role (the Clerk reads removals for FOIA).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Action(models.TextChoices):
        HIDDEN = "hidden", "Hidden on the platform"
        DELETED = "deleted", "Deleted on the platform"

    class ReviewStatus(models.TextChoices):
        NOT_REQUIRED = "not_required", "No second review needed"
        PENDING = "pending", "Awaiting second review"
        UPHELD = "upheld", "Upheld on second review"
        REINSTATED = "reinstated", "Reinstated on second review"

    # The retained copy itself (Sec. VI): what ``retained_document`` is built from.
    RETAINED_COPY = (
        "retained_platform_item_id",
        "retained_text",
        "retained_posted_at",
        "retained_poster_id",
        "retained_poster_name",
        "retained_poster_profile_url",
        "retained_permalink",
    )
    RETAINED_FIELDS = (
        *RETAINED_COPY,
        "retained_sha256",
        "site_id",
        "removed_at",
        "removed_by_id",
    )

    # The captured item; the removal keeps its own copy, so the link may be cleared if
    # the captured item is destroyed by the disposal process before the removal.
    comment = models.ForeignKey(
        "moderation.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="removals"
    )
    site = models.ForeignKey("sites_registry.Site", on_delete=models.PROTECT, related_name="removals")
    action = models.CharField("action taken on the platform", max_length=20, choices=Action.choices)
    reason = models.TextField("content-neutral reason")
    removed_by = actor_field(related_name="removals")
    removed_at = models.DateTimeField(default=timezone.now)

    retained_platform_item_id = models.CharField(max_length=200)
    retained_text = models.TextField(blank=True)
    retained_posted_at = models.DateTimeField()
    retained_poster_id = models.CharField("poster's platform id", max_length=200, blank=True)
    retained_poster_name = models.CharField("poster's name", max_length=500, blank=True)
    retained_poster_profile_url = models.URLField(max_length=1000, blank=True)
    retained_permalink = models.URLField(max_length=1000, blank=True)
    retained_sha256 = models.CharField("SHA-256 of the retained copy", max_length=64)

    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.NOT_REQUIRED
    )
    reviewed_by = optional_actor_field()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    reinstated_by = optional_actor_field()
    reinstated_at = models.DateTimeField(null=True, blank=True)
    reinstatement_reason = models.TextField(blank=True)

    objects = RemovalQuerySet.as_manager()

    detail_url_name = "moderation:removal-detail"

    class Meta:
        ordering = ["-removed_at", "-pk"]
        constraints = [
            # "Removing an item twice is refused": one removal in force per captured item.
            models.UniqueConstraint(
                fields=["comment"],
                condition=Q(reinstated_at__isnull=True),
                name="removal_one_in_force_per_comment",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="removal_reason_required"),
            models.CheckConstraint(
                condition=Q(reinstated_at__isnull=True) | ~Q(reinstatement_reason=""),
                name="removal_reinstatement_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "removed_at"], name="removal_site_removed_idx"),
            # Removal.objects.awaiting_second_review(): the Communications Office's review queue.
            models.Index(
                fields=["removed_at"], name="removal_review_pending_idx", condition=Q(review_status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"Removal #{self.pk} of {self.retained_platform_item_id}"

    @property
    def in_force(self) -> bool:
        return self.reinstated_at is None

    def category_values(self) -> list[str]:
        return [c.category for c in self.categories.all()]

    def category_labels(self) -> list[str]:
        return [ProhibitedCategory(value).label for value in self.category_values()]

    # -- the retained copy -------------------------------------------------------------
    def retained_document(self) -> dict:
        """The retained copy as the canonical document its SHA-256 is computed over."""
        return {
            "platform_item_id": self.retained_platform_item_id,
            "text": self.retained_text,
            "posted_at": self.retained_posted_at.astimezone(datetime.UTC).isoformat()
            if self.retained_posted_at
            else None,
            "poster_id": self.retained_poster_id,
            "poster_name": self.retained_poster_name,
            "poster_profile_url": self.retained_poster_profile_url,
            "permalink": self.retained_permalink,
        }

    def compute_retained_sha256(self) -> str:
        canonical = json.dumps(
            self.retained_document(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def retained_copy_intact(self) -> bool:
        return self.compute_retained_sha256() == self.retained_sha256

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values(*self.RETAINED_FIELDS).first()
            if stored is not None:
                changed = [name for name in self.RETAINED_FIELDS if getattr(self, name) != stored[name]]
                if changed:
                    raise RetainedContentChanged(
                        "The retained copy of a removed item cannot be changed "
                        f"(Ordinance 2019-70, Sec. VI): {', '.join(changed)}."
                    )
        else:
            # Always computed here, never taken from the caller.
            self.retained_sha256 = self.compute_retained_sha256()
        super().save(*args, **kwargs)


class RemovalCategory(TrackedModel):
    """One prohibited category a removal names (a removal names one or more)."""

    # Who reads this history: every staff role.
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    removal = models.ForeignKey(Removal, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=40, choices=ProhibitedCategory.choices)

    class Meta:
        ordering = ["removal", "category"]
        verbose_name_plural = "removal categories"
        constraints = [
            models.UniqueConstraint(fields=["removal", "category"], name="removalcategory_unique"),
        ]
        indexes = [models.Index(fields=["category"], name="removalcategory_category_idx")]

    def __str__(self) -> str:
        return self.get_category_display()


class ViolationReportQuerySet(models.QuerySet):
    def unresolved(self):
        return self.exclude(state=ViolationReport.State.RESOLVED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.unresolved().filter(due_date__lt=today)


class ViolationReport(DetailPage, TrackedModel):
    """A report to the Communications Office of material that may violate the policy.

    Sec. VI: TST "immediately notif[ies] the City Communications Office"; the Office
    "will investigate and respond to all reports". Created with every removal, or on its
    own. ``version`` is raised by every state change so a stale form is refused.
    Record date: ``notified_at``.
    """

    # Who reads this history: every staff role.
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class State(models.TextChoices):
        OPEN = "open", "Open"
        INVESTIGATING = "investigating", "Investigating"
        RESOLVED = "resolved", "Resolved"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Removal upheld / violation confirmed"
        REINSTATED = "reinstated", "Reinstated"
        NO_ACTION = "no_action", "No action needed"

    removal = models.OneToOneField(
        Removal, on_delete=models.PROTECT, null=True, blank=True, related_name="report"
    )
    comment = models.ForeignKey(
        "moderation.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="violation_reports",
    )
    site = models.ForeignKey(
        "sites_registry.Site", on_delete=models.PROTECT, related_name="violation_reports"
    )
    suspected_categories = models.JSONField(default=list, blank=True)
    concern = models.TextField("what may violate the policy, and why")
    reported_by = actor_field(related_name="violation_reports_made")
    notified_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField("response due")
    notification_sent_at = models.DateTimeField("e-mail sent", null=True, blank=True)

    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    assignee = optional_actor_field(related_name="assigned_reports")
    picked_up_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = optional_actor_field()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    response = models.TextField("the Communications Office's response", blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ViolationReportQuerySet.as_manager()

    detail_url_name = "moderation:report-detail"

    class Meta:
        ordering = ["due_date", "notified_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="resolved")
                | (~Q(outcome="") & ~Q(response="") & Q(resolved_at__isnull=False)),
                name="violationreport_resolution_complete",
            ),
        ]
        indexes = [
            # ViolationReport.objects.unresolved() / overdue(): the Communications Office's queue.
            models.Index(
                fields=["due_date"], name="report_unresolved_due_idx", condition=~Q(state="resolved")
            ),
            models.Index(fields=["site", "notified_at"], name="report_site_notified_idx"),
        ]

    def __str__(self) -> str:
        return f"Report #{self.pk}"

    @property
    def is_resolved(self) -> bool:
        return self.state == self.State.RESOLVED

    def is_overdue(self, today=None) -> bool:
        return not self.is_resolved and self.due_date < (today or timezone.localdate())

    def suspected_category_labels(self) -> list[str]:
        return [ProhibitedCategory(value).label for value in self.suspected_categories]


class Referral(DetailPage, TrackedModel):
    """A referral to law enforcement (law violations) or to the platform (terms violations).

    Sec. VI: comments that violate law "shall be referred to the appropriate law
    enforcement agency"; those that violate a site's terms "to the appropriate Social
    Media Site". Record date: ``referred_at``.
    """

    # Who reads this history: every staff role.
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Kind(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        PLATFORM = "platform", "Platform (terms of service)"

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACTION_TAKEN = "action_taken", "Action taken"
        DECLINED = "declined", "Declined / no action"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    removal = models.ForeignKey(
        Removal, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    report = models.ForeignKey(
        ViolationReport, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # Law enforcement
    agency = models.CharField(max_length=200, blank=True)
    statute = models.CharField(max_length=40, choices=IllinoisStatute.choices, blank=True)
    statute_other = models.CharField("other law", max_length=300, blank=True)
    case_number = models.CharField("case or reference number", max_length=100, blank=True)
    # Platform
    platform = models.ForeignKey(
        "sites_registry.Platform", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    terms_url = models.URLField("terms of service URL at the time", blank=True)
    platform_report_id = models.CharField("platform's report id", max_length=200, blank=True)

    details = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REFERRED)
    outcome = models.TextField(blank=True)
    referred_by = actor_field(related_name="referrals")
    referred_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    detail_url_name = "moderation:referral-detail"

    class Meta:
        ordering = ["-referred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removal__isnull=False) | Q(report__isnull=False), name="referral_linked"
            ),
            models.CheckConstraint(
                condition=~Q(kind="law_enforcement") | (~Q(agency="") & ~Q(statute="")),
                name="referral_law_enforcement_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="platform") | Q(platform__isnull=False), name="referral_platform_named"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="referral_kind_status_idx")]

    def __str__(self) -> str:
        target = self.agency if self.kind == self.Kind.LAW_ENFORCEMENT else str(self.platform or "")
        return f"Referral #{self.pk} to {target}"

    @property
    def statute_label(self) -> str:
        if self.statute == IllinoisStatute.OTHER:
            return self.statute_other
        return self.get_statute_display()


NOTICE_PLACEHOLDERS = {
    "site": "the City site's name",
    "platform": "the platform",
    "posted_date": "the date the comment was posted",
    "removal_date": "the date it was removed",
    "categories": "the policy categories, in words",
    "policy_text": "the policy text of those categories",
    "reason": "the content-neutral reason",
    "comment_policy_url": "the address of the Comment Policy in force, on the portal's public pages",
}
# The notice the City starts with (also created by migration 0003); editable in the portal.
DEFAULT_NOTICE_BODY = (
    "Hello. Your comment on {site}, the City of Kankakee's official {platform} account, posted "
    "{posted_date}, was removed on {removal_date} because it is inconsistent with the City's content "
    "requirements (Social Media Policy, Ordinance 2019-70, Sec. V): {categories}.\n\n"
    "The policy says: {policy_text}\n\n"
    "Reason: {reason}\n\n"
    "The City's Comment Policy: {comment_policy_url}\n"
    "City of Kankakee, Technical Services Team"
)
_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")


class NoticeTemplate(TrackedModel):
    """Editable text from which commenter notices are generated.

    Placeholders in braces, e.g. ``{site}``; see ``NOTICE_PLACEHOLDERS``. Plain text:
    notices go out as platform messages or e-mail, never as HTML.
    """

    # Who reads this history: the Communications Office (edits the texts) and TST (sends them).
    history_roles = ("Communications Office", "Technical Services Team")

    name = models.CharField(max_length=200, unique=True)
    body = models.TextField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The list shows each template to both roles that use it; only the Communications
        # Office may open the edit page.
        return reverse("moderation:notice-template-list") + f"#template-{self.pk}"

    @staticmethod
    def unknown_placeholders(body: str) -> list[str]:
        return sorted({name for name in _PLACEHOLDER.findall(body) if name not in NOTICE_PLACEHOLDERS})

    def clean(self):
        unknown = self.unknown_placeholders(self.body)
        if unknown:
            raise ValidationError(
                {"body": f"Unknown placeholder(s): {', '.join('{' + n + '}' for n in unknown)}."}
            )


class CommenterNotice(TrackedModel):
    """That the commenter was told their comment was removed and why, or why they could not be.

    Sec. VI: "whenever possible, the Technical Services Team shall notify the commenter".
    Record date: ``recorded_at``.
    """

    # Who reads this history: every staff role.
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Status(models.TextChoices):
        SENT = "sent", "Notice sent"
        NOT_POSSIBLE = "not_possible", "Notice not possible"

    class Channel(models.TextChoices):
        PLATFORM_MESSAGE = "platform_message", "Private message on the platform"
        PLATFORM_REPLY = "platform_reply", "Reply on the platform"
        EMAIL = "email", "E-mail"
        LETTER = "letter", "Letter"
        OTHER = "other", "Other"

    removal = models.ForeignKey(Removal, on_delete=models.PROTECT, related_name="notices")
    status = models.CharField(max_length=20, choices=Status.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField("message sent", blank=True)
    template = models.ForeignKey(
        NoticeTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    not_possible_reason = models.TextField(blank=True)
    recorded_by = actor_field()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | (~Q(channel="") & ~Q(message="") & Q(sent_at__isnull=False)),
                name="commenternotice_sent_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_possible") | ~Q(not_possible_reason=""),
                name="commenternotice_not_possible_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} for removal #{self.removal_id}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:removal-detail", args=[self.removal_id])


class AccountRestrictionQuerySet(models.QuerySet):
    def in_force(self, now=None):
        now = now or timezone.now()
        return self.filter(
            state=AccountRestriction.State.APPROVED,
            lifted_at__isnull=True,
            starts_at__lte=now,
            expires_at__gt=now,
        )


class AccountRestriction(TrackedModel):
    """The City blocked or restricted a commenter on a platform (Sec. VI).

    Requested by TST, approved by the Communications Office, always with an expiry. The
    list of these is itself a public record. Record date: ``requested_at``.
    """

    # Who reads this history: every staff role (restrictions are public records).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Scope(models.TextChoices):
        BLOCKED = "blocked", "Blocked from the site"
        RESTRICTED = "restricted", "Restricted (comments held or limited)"

    class State(models.TextChoices):
        REQUESTED = "requested", "Awaiting approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        LIFTED = "lifted", "Lifted"

    commenter = models.ForeignKey(
        "moderation.Commenter", on_delete=models.PROTECT, related_name="restrictions"
    )
    site = models.ForeignKey(
        "sites_registry.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_restrictions",
        help_text="Empty: every City site on the commenter's platform.",
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    scope_detail = models.CharField("what exactly is restricted", max_length=300, blank=True)
    reason = models.TextField()
    removals = models.ManyToManyField(Removal, blank=True, related_name="account_restrictions")
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    requested_by = actor_field()
    requested_at = models.DateTimeField(default=timezone.now)
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    approved_by = optional_actor_field()
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    lifted_by = optional_actor_field()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    objects = AccountRestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")), name="restriction_expiry_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(approved_by__isnull=False),
                name="restriction_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.commenter}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:restriction-list") + f"#restriction-{self.pk}"

    def is_in_force(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.state == self.State.APPROVED
            and self.lifted_at is None
            and self.starts_at <= now < self.expires_at
        )

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from config.portal.audit import DetailPage, TrackedModel, actor_field, optional_actor_field


class Platform(TrackedModel):
    """A social media service the City may hold accounts on (Ordinance 2019-70, Sec. IV)."""

    # Who reads this history: every staff role (the registry is shared work).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    # Host names an account's URL must be on, e.g. ["facebook.com", "fb.com"]; sub-domains
    # (www., m.) count as the same host. Empty: any host ("Other").
    domains = models.JSONField(default=list, blank=True)
    terms_url = models.URLField("terms of service URL", blank=True)
    reporting_url = models.URLField("platform's own reporting URL", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def host_belongs(self, host: str) -> bool:
        """True if ``host`` is one of the platform's domains or a sub-domain of one."""
        host = (host or "").lower().rstrip(".")
        if not self.domains:
            return bool(host)
        return any(host == domain or host.endswith("." + domain) for domain in self.domains)


class Audience(models.TextChoices):
    """The target audiences a site is designed for (Sec. IV, Public Forum Strategy)."""

    RESIDENTS = "residents", "Residents"
    YOUTH = "youth", "Youth"
    BUSINESSES = "businesses", "Potential businesses"
    EMPLOYEES = "employees", "Potential employees"


class SiteQuerySet(models.QuerySet):
    def official(self):
        """Sites the public may rely on as the City's own (the public directory)."""
        return self.filter(state=Site.State.APPROVED)

    def recertification_due(self, as_of=None):
        """Approved sites whose last certification is older than SITES_RECERTIFY_AFTER_MONTHS."""
        as_of = as_of or timezone.now()
        cutoff = as_of - relativedelta(months=settings.SITES_RECERTIFY_AFTER_MONTHS)
        return self.filter(state=Site.State.APPROVED).filter(
            Q(last_certified_at__lt=cutoff) | Q(last_certified_at__isnull=True)
        )


class Site(DetailPage, TrackedModel):
    """An official City social media account, approved by the Communications Office."""

    # Who reads this history: every staff role (TST requests, Comms decides, the Clerk answers FOIA).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

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
    audiences = models.JSONField("target audiences", default=list, blank=True)
    authorised_posters = models.TextField(
        "City personnel authorised to post", blank=True, help_text="One person per line: name and title."
    )
    contact_information = models.TextField(
        "City contact information", blank=True, help_text="As displayed on the site (Sec. IV, Procedure)."
    )
    requested_by = optional_actor_field()
    last_certified_at = models.DateTimeField(null=True, blank=True)
    last_certified_by = optional_actor_field()

    objects = SiteQuerySet.as_manager()

    detail_url_name = "sites_registry:site-detail"

    class Meta:
        ordering = ["platform__name", "account_name"]
        constraints = [
            # Handles are compared without regard to case: @KankakeePD and @kankakeepd are one account.
            models.UniqueConstraint(F("platform"), Lower("handle"), name="site_unique_platform_handle"),
        ]
        indexes = [models.Index(fields=["state", "last_certified_at"], name="site_state_certified_idx")]

    def __str__(self) -> str:
        return f"{self.account_name} ({self.platform.name})"

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels.get(value, value) for value in self.audiences]

    def recertification_due_on(self):
        if self.last_certified_at is None:
            return None
        return self.last_certified_at + relativedelta(months=settings.SITES_RECERTIFY_AFTER_MONTHS)

    @property
    def is_recertification_due(self) -> bool:
        if self.state != Site.State.APPROVED:
            return False
        due = self.recertification_due_on()
        return due is None or due <= timezone.now()


class SiteDecision(TrackedModel):
    """One dated decision of the Communications Office on a site (Sec. IV, Procedure)."""

    # Who reads this history: every staff role.
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        SUSPEND = "suspend", "Suspended"
        REINSTATE = "reinstate", "Reinstated"
        RETIRE = "retire", "Retired"
        RECERTIFY = "recertify", "Re-certified"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=Site.State.choices)
    to_state = models.CharField(max_length=20, choices=Site.State.choices)
    decided_by = actor_field()
    decided_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    # An approval by the person who requested the site or confirmed one of its required
    # disclosures, allowed only while SITE_APPROVAL_SEPARATION_OF_DUTIES is off (a one-person office).
    separation_of_duties_relaxed = models.BooleanField(
        default=False,
        help_text="Approved by someone who requested the site or confirmed its disclosures, "
        "with separation of duties switched off.",
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["site", "decided_at"], name="sitedecision_site_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.site}"


class ComplianceItem(TrackedModel):
    """One disclosure Sec. IV requires on every City site, and whether the site shows it."""

    # Who reads this history: every staff role.
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Kind(models.TextChoices):
        MAINTAINED_BY_CITY = (
            "maintained_by_city",
            "Statement that the site is maintained by the City of Kankakee and follows the City's "
            "Social Media Policy",
        )
        PRIVACY_POLICY = "privacy_policy", "Link to the Privacy Policy"
        DISCLAIMER = "disclaimer", "Link to the Disclaimer"
        COMMENT_POLICY = "comment_policy", "Link to the Comment Policy"
        REPORTING_REMOVAL = "reporting_removal", "Link to the Reporting/Removal of Unauthorized Comments"
        TST_SUPPORT = (
            "tst_support",
            "Statement that website and hosting support is by the Technical Services Team, with the "
            "support address support@citykankakee-il.gov",
        )
        OFFICIAL_WEBSITE = "official_website", "Link to the City's official website"
        CONTACT_INFORMATION = "contact_information", "City contact information prominently displayed"
        VISITOR_OPINIONS = "visitor_opinions", "Statement that visitors' opinions are not the City's"
        COMMENTS_MONITORED = (
            "comments_monitored",
            "Notice that comments are monitored and that obscenities, off-topic comments and personal "
            "attacks may be removed",
        )
        PUBLIC_DISCLOSURE = "public_disclosure", "Notice that posted content is subject to public disclosure"
        LIMITED_PUBLIC_FORUM = "limited_public_forum", "Limited public forum statement"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        NOT_POSSIBLE = "not_possible", "Not possible"

    # The ordinance says "where possible" for these two (Sec. IV, Public Forum Strategy and
    # Procedure); every other disclosure is a "shall" and must be confirmed before approval.
    WHERE_POSSIBLE = frozenset({Kind.OFFICIAL_WEBSITE, Kind.VISITOR_OPINIONS})
    ORDINANCE_REFERENCE = {
        Kind.MAINTAINED_BY_CITY: "Sec. IV, Public Forum Strategy; Procedure",
        Kind.PRIVACY_POLICY: "Sec. IV, Public Forum Strategy",
        Kind.DISCLAIMER: "Sec. IV, Public Forum Strategy",
        Kind.COMMENT_POLICY: "Sec. IV, Public Forum Strategy",
        Kind.REPORTING_REMOVAL: "Sec. IV, Public Forum Strategy",
        Kind.TST_SUPPORT: "Sec. IV, Public Forum Strategy",
        Kind.OFFICIAL_WEBSITE: "Sec. IV, Public Forum Strategy (where possible)",
        Kind.CONTACT_INFORMATION: "Sec. IV, Procedure",
        Kind.VISITOR_OPINIONS: "Sec. IV, Procedure (where possible)",
        Kind.COMMENTS_MONITORED: "Sec. IV, Procedure",
        Kind.PUBLIC_DISCLOSURE: "Sec. IV, Procedure",
        Kind.LIMITED_PUBLIC_FORUM: "Sec. IV, Public Forum Strategy",
    }

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="compliance_items")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    where_shown = models.CharField(
        "where it is shown", max_length=500, blank=True, help_text="URL or screenshot reference."
    )
    not_possible_reason = models.TextField(blank=True)
    checked_by = optional_actor_field()
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["site", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="complianceitem_unique_site_kind"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | ~Q(where_shown=""),
                name="complianceitem_confirmed_has_where_shown",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_possible") | ~Q(not_possible_reason=""),
                name="complianceitem_not_possible_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_mandatory(self) -> bool:
        return self.kind not in self.WHERE_POSSIBLE

    @property
    def ordinance_reference(self) -> str:
        return self.ORDINANCE_REFERENCE.get(self.kind, "Sec. IV")


class PolicyDocumentQuerySet(models.QuerySet):
    def in_effect(self, kind: str, on=None):
        """The version of ``kind`` in effect on ``on`` (today in the City's time zone by default)."""
        on = on or timezone.localdate()
        return self.filter(kind=kind, effective_date__lte=on).order_by("-effective_date", "-version").first()


class PolicyDocument(TrackedModel):
    """A published version of one of the policies the ordinance makes public (Sec. V-VIII).

    An amendment is a new version, effective the day it is posted (Sec. V, last bullet;
    Sec. VIII, "Modification of the Privacy Policy"); earlier versions stay readable and
    a version's text never changes once published.
    """

    # Who reads this history: every staff role (the texts are public).
    history_roles = ("Communications Office", "Technical Services Team", "City Clerk")

    class Kind(models.TextChoices):
        COMMENT_POLICY = "comment-policy", "Comment Policy"
        REPORTING_REMOVAL = "reporting-removal", "Reporting/Removal of Unauthorized Comments"
        DISCLAIMER = "disclaimer", "Disclaimer"
        PRIVACY_POLICY = "privacy-policy", "Privacy Policy"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    version = models.PositiveIntegerField()
    text = models.TextField()
    effective_date = models.DateField()
    change_summary = models.TextField(blank=True)
    published_by = optional_actor_field()

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="policydocument_unique_kind_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="policydocument_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, version {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("sites_registry:policy-version", args=[self.kind, self.version])

    def save(self, *args, **kwargs):
        # Published text is the law in force on its dates: it is never edited (amend instead).
        if self.pk is not None:
            # Nor is the day it took effect: that says which text was in force on which day.
            frozen = ("text", "kind", "version", "effective_date")
            stored = PolicyDocument.objects.filter(pk=self.pk).values(*frozen).first()
            if stored is not None and any(stored[name] != getattr(self, name) for name in frozen):
                raise ValidationError(
                    {"text": "A published policy text cannot be changed; publish an amendment instead."}
                )
        super().save(*args, **kwargs)

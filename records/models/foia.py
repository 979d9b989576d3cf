"""FOIA requests on the statutory clock (5 ILCS 140), their letters, redactions and export bundles."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from config.portal.audit import DetailPage, TrackedModel, actor_field, optional_actor_field

__all__ = [
    "FoiaDownload",
    "FoiaExemption",
    "FoiaExport",
    "FoiaLetter",
    "FoiaLetterTemplate",
    "FoiaRequest",
    "FoiaRequester",
    "FoiaStatusLink",
    "FoiaSubmission",
    "Redaction",
]


class FoiaRequester(TrackedModel):
    """A person or organisation that asks the City for records."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        NEWS_MEDIA = "news_media", "News media"
        NON_PROFIT = "non_profit", "Non-profit"
        ACADEMIC = "academic", "Academic or scientific"
        COMMERCIAL = "commercial", "Commercial"

    # 5 ILCS 140 §2(g): news media, non-profit, scientific and academic requesters are
    # never recurrent requesters.
    NEVER_RECURRENT = (Kind.NEWS_MEDIA, Kind.NON_PROFIT, Kind.ACADEMIC)

    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    postal_address = models.TextField(blank=True)

    # Names, e-mail, phone and home address of private people: history for the Clerk only.
    history_roles = ("City Clerk",)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["email"], name="foiarequester_email_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    @property
    def contact(self) -> str:
        return " · ".join(part for part in (self.email, self.phone) if part)


class FoiaRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=FoiaRequest.CLOSED_STATES)

    def awaiting_response(self):
        """Open requests the City has not yet answered: the clock still runs on them."""
        return self.filter(state__in=FoiaRequest.CLOCK_STATES)

    def overdue(self, today):
        return self.awaiting_response().filter(due_on__lt=today)

    def due_by(self, last_day):
        return self.awaiting_response().filter(due_on__lte=last_day)


class FoiaRequest(DetailPage, TrackedModel):
    """A request for public records under the Illinois Freedom of Information Act."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        IN_PROGRESS = "in_progress", "In progress"
        FULFILLED = "fulfilled", "Fulfilled"
        PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
        DENIED = "denied", "Denied"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        MAIL = "mail", "Mail"
        IN_PERSON = "in_person", "In person"
        FAX = "fax", "Fax"
        WEB_FORM = "web_form", "City web form"

    class ExtensionReason(models.TextChoices):
        # The seven reasons of 5 ILCS 140 §3(e), in the statute's order.
        OTHER_LOCATIONS = "e_i", "§3(e)(i) records are stored in whole or in part at other locations"
        LARGE_VOLUME = (
            "e_ii",
            "§3(e)(ii) the request requires the collection of a substantial number of records",
        )
        CATEGORICAL = (
            "e_iii",
            ("§3(e)(iii) the request is couched in categorical terms and requires an extensive search"),
        )
        NOT_LOCATED = (
            "e_iv",
            (
                "§3(e)(iv) the records have not been located in the course of routine search "
                "and additional efforts are being made"
            ),
        )
        EXAMINATION = (
            "e_v",
            (
                "§3(e)(v) the records require examination and evaluation by personnel with the "
                "necessary competence and discretion to determine if they are exempt"
            ),
        )
        CANNOT_COMPLY = (
            "e_vi",
            (
                "§3(e)(vi) the request for records cannot be complied with without unduly "
                "burdening or interfering with the operations of the public body"
            ),
        )
        CONSULTATION = (
            "e_vii",
            (
                "§3(e)(vii) there is a need for consultation with another public body or among "
                "parts of this public body having a substantial interest in the request"
            ),
        )

    OPEN_STATES = (State.RECEIVED, State.ACKNOWLEDGED, State.IN_PROGRESS)
    CLOCK_STATES = OPEN_STATES
    ANSWERED_STATES = (State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED)
    CLOSED_STATES = (State.WITHDRAWN, State.CLOSED)

    STANDARD_PERIOD = 5  # §3(d)
    EXTENSION_MAX = 5  # §3(e)
    LONG_PERIOD = 21  # §3.1 commercial, §3.2 recurrent requesters

    requester = models.ForeignKey(FoiaRequester, on_delete=models.PROTECT, related_name="requests")
    received_on = models.DateField()
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    description = models.TextField(help_text="The request in the requester's words.")
    is_commercial = models.BooleanField(
        "commercial request (§3.1)",
        default=False,
        help_text="The records are sought for a commercial purpose (5 ILCS 140 §2(c-10)).",
    )
    recurrent_detected = models.TextField(
        blank=True, help_text="Why the requester looks like a recurrent requester (§2(g)), if it does."
    )
    recurrent_confirmed_by = optional_actor_field()
    recurrent_confirmed_at = models.DateTimeField(null=True, blank=True)

    # Scope of the responsive records.
    sites = models.ManyToManyField("sites_registry.Site", blank=True, related_name="foia_requests")
    commenters = models.ManyToManyField("moderation.Commenter", blank=True, related_name="foia_requests")
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    search_terms = models.TextField(blank=True, help_text="One term or phrase per line.")
    # Keys of the record series asked for (``records.series.REGISTRY``).
    record_kinds = models.JSONField(default=list, blank=True)

    assignee = optional_actor_field(related_name="foia_requests_assigned")
    state = models.CharField(max_length=30, choices=State.choices, default=State.RECEIVED)
    notes = models.TextField(blank=True)

    # The clock. ``due_on`` is derived by records.foia.clock and stored for the
    # overdue / due-soon queries.
    due_on = models.DateField()
    extension_reason = models.CharField(max_length=10, choices=ExtensionReason.choices, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    extension_noticed_on = models.DateField(null=True, blank=True)
    agreed_due_on = models.DateField(null=True, blank=True)
    agreed_in_writing = models.TextField(
        blank=True, help_text="The requester's written agreement to the later date (where and when)."
    )

    # The private-information scan of the responsive records runs as a task (it reads every record).
    redaction_scan_requested_at = models.DateTimeField(null=True, blank=True)
    redaction_scan_finished_at = models.DateTimeField(null=True, blank=True)
    redaction_scan_found = models.PositiveIntegerField(default=0)

    answered_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    hold = models.OneToOneField(
        "records.LegalHold", on_delete=models.PROTECT, null=True, blank=True, related_name="foia_request"
    )

    # The form submission that logged the request: the same form sent twice (a double
    # click, a resend after a slow answer) finds this request instead of logging a copy.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # A request received by e-mail keeps the message as the Clerk pasted it (headers and text).
    original_email = models.TextField(blank=True)
    # The requester agreed, on the web form, to have their name shown in the public log.
    requester_name_public = models.BooleanField(default=False)
    # The Clerk's decision, when closing, to list the request in the public log of requests.
    public_log = models.BooleanField(default=False)
    public_summary = models.TextField(blank=True, help_text="What was asked for, in the Clerk's words.")

    objects = FoiaRequestQuerySet.as_manager()

    # Requests name private people: their history is for the Clerk only.
    history_roles = ("City Clerk",)

    detail_url_name = "records:foia-detail"

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_days__lte=5), name="foiarequest_extension_at_most_5_days"
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_from__lte=F("date_to")),
                name="foiarequest_date_range_ordered",
            ),
        ]
        indexes = [
            # FoiaRequest.objects.overdue() / due_by(): the Clerk's home page and the daily digest.
            models.Index(
                fields=["due_on"],
                name="foiarequest_clock_due_idx",
                condition=Q(state__in=["received", "acknowledged", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} from {self.requester.name}"

    @property
    def reference(self) -> str:
        return f"FOIA-{self.received_on:%Y}-{self.pk:04d}" if self.pk else "FOIA (new)"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_recurrent(self) -> bool:
        return self.recurrent_confirmed_at is not None

    def terms(self) -> list[str]:
        return [line.strip() for line in self.search_terms.splitlines() if line.strip()]

    @property
    def redaction_scan_running(self) -> bool:
        return self.redaction_scan_requested_at is not None and (
            self.redaction_scan_finished_at is None
            or self.redaction_scan_finished_at < self.redaction_scan_requested_at
        )


class FoiaLetterTemplate(TrackedModel):
    """An editable letter; ``$placeholders`` are filled in when a letter is generated."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        EXTENSION = "extension", "Extension notice (§3(e))"
        FULFILMENT = "fulfilment", "Fulfilment"
        PARTIAL = "partial", "Partial fulfilment and partial denial"
        DENIAL = "denial", "Denial (§9)"
        WITHDRAWAL = "withdrawal", "Confirmation of withdrawal"
        RECURRENT = "recurrent", "Recurrent requester notice (§3.2(b))"

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    history_roles = ("City Clerk",)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        return reverse("records:foia-template-edit", args=[self.kind])


class FoiaLetter(DetailPage, TrackedModel):
    """A letter sent to the requester, kept on the request exactly as sent."""

    request = models.ForeignKey(FoiaRequest, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=FoiaLetterTemplate.Kind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_on = models.DateField()
    sent_by = actor_field()
    emailed_to = models.EmailField(blank=True)

    history_roles = ("City Clerk",)

    detail_url_name = "records:foia-letter"

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} letter, {self.sent_on:%Y-%m-%d}"


class FoiaExemption(TrackedModel):
    """An exemption a denial (or partial denial) cites, with its factual basis (§9(a))."""

    request = models.ForeignKey(FoiaRequest, on_delete=models.PROTECT, related_name="exemptions")
    citation = models.CharField(max_length=100, help_text="For example 5 ILCS 140/7(1)(c).")
    factual_basis = models.TextField()

    history_roles = ("City Clerk",)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.citation


class Redaction(TrackedModel):
    """One piece of a responsive record withheld under §7(1)(b) or §7(1)(c).

    ``text`` is what is withheld; it stays in the database (the record itself is kept
    whole) and never appears in any file of an export bundle.
    """

    class Exemption(models.TextChoices):
        PRIVATE_INFORMATION = "7(1)(b)", "§7(1)(b) private information"
        PERSONAL_PRIVACY = "7(1)(c)", "§7(1)(c) unwarranted invasion of personal privacy"

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    request = models.ForeignKey(FoiaRequest, on_delete=models.PROTECT, related_name="redactions")
    record_kind = models.CharField(max_length=30)  # the key of the record series
    record_id = models.BigIntegerField()
    field = models.CharField(max_length=100)
    text = models.TextField()
    finding = models.CharField(max_length=30, blank=True, help_text="What the detector thought it was.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUGGESTED)
    exemption = models.CharField(
        max_length=10, choices=Exemption.choices, default=Exemption.PRIVATE_INFORMATION
    )
    note = models.TextField(blank=True)
    decided_by = optional_actor_field()
    decided_at = models.DateTimeField(null=True, blank=True)

    history_roles = ("City Clerk",)

    class Meta:
        ordering = ["record_kind", "record_id", "field", "pk"]
        # No unique constraint on the text: a withheld passage can be longer than a
        # btree key allows. The services keep (record, field, text) unique instead.
        indexes = [
            # The redactions page lists one request's redactions by state; exports read the accepted ones.
            models.Index(fields=["request", "state"], name="redaction_request_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_exemption_display()} on {self.record_kind} #{self.record_id} {self.field}"


class FoiaExport(DetailPage, TrackedModel):
    """One export bundle of a request's responsive records, built by a Celery task."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"

    request = models.ForeignKey(FoiaRequest, on_delete=models.PROTECT, related_name="exports")
    requested_by = actor_field()
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress is written with QuerySet.update() while the task runs (see
    # records.foia.export): a history row per chunk would bury the real changes.
    total_records = models.PositiveIntegerField(default=0)
    processed_records = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=300, blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    record_counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Released to the requester: the bundle their status page offers for download.
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = optional_actor_field()

    history_roles = ("City Clerk",)

    detail_url_name = "records:foia-export"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="complete") | ~Q(file_name=""), name="foiaexport_complete_has_file"
            ),
        ]

    def __str__(self) -> str:
        return f"Export #{self.pk} of {self.request.reference}"

    @property
    def percent(self) -> int:
        if self.state == self.State.COMPLETE:
            return 100
        if not self.total_records:
            return 0
        return min(99, int(100 * self.processed_records / self.total_records))

    @property
    def download_name(self) -> str:
        return f"{self.request.reference}-export-{self.pk}.zip"


class FoiaDownload(TrackedModel):
    """Who downloaded an export bundle, and when."""

    export = models.ForeignKey(FoiaExport, on_delete=models.PROTECT, related_name="downloads")
    user = actor_field()
    # Set when the requester downloaded the bundle from their status page (``user`` is then the
    # portal's system user, and no IP address is kept).
    requester = models.ForeignKey(
        FoiaRequester, on_delete=models.PROTECT, null=True, blank=True, related_name="downloads"
    )
    downloaded_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    history_roles = ("City Clerk",)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded {self.export} at {self.downloaded_at:%Y-%m-%d %H:%M}"


class FoiaSubmission(models.Model):
    """A request sent on the public form, waiting for its e-mail address to be confirmed.

    Not a request yet, and not tracked: the request is logged (and its clock starts) on the
    City day the address is confirmed; the submission is then deleted, and an unconfirmed one
    is deleted once its link has expired. Only the SHA-256 of the confirmation token is kept.
    """

    token_sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=FoiaRequester.Kind.choices)
    email = models.EmailField()
    postal_address = models.TextField(blank=True)
    description = models.TextField()
    is_commercial = models.BooleanField(default=False)
    site_ids = models.JSONField(default=list, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    name_public = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            # records.foia_public.services.foia_submissions_expire: the expired ones.
            models.Index(fields=["expires_at"], name="foiasubmission_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"Unconfirmed FOIA submission #{self.pk}"


class FoiaStatusLink(models.Model):
    """A requester's secret link to the status page of their request.

    Only the SHA-256 of the token is kept (the token is in the e-mail alone); every e-mail to
    the requester carries a new link. Not tracked: part of its request's file, destroyed with it
    (a dependent of the foia-requests series), so a destroyed request's links answer nothing.
    """

    request = models.ForeignKey(FoiaRequest, on_delete=models.PROTECT, related_name="status_links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Status link #{self.pk} of {self.request.reference}"

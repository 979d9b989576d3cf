from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.portal.admin import ReadOnlyMixin, ReadOnlyRecordAdmin, UndeletableRecordAdmin
from records.models import (
    DisposalCertificate,
    DisposalTombstone,
    FoiaDownload,
    FoiaExport,
    FoiaLetter,
    FoiaLetterTemplate,
    FoiaRequest,
    FoiaRequester,
    HoldScope,
    LegalHold,
    Redaction,
    RetentionSchedule,
)


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyRecordAdmin):
    # Placed and released on the Clerk's pages (legal_hold_place / legal_hold_release).
    list_display = ["name", "kind", "reference", "matter", "placed_by", "placed_at", "released_at"]
    list_filter = ["kind"]


@admin.register(HoldScope)
class HoldScopeAdmin(ReadOnlyRecordAdmin):
    # Added on the Clerk's pages (legal_hold_place / legal_hold_add_scope).
    list_display = ["hold", "series", "date_from", "date_to"]


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(UndeletableRecordAdmin):
    """Administrators change a series' period here: a schedule change is data (history kept)."""

    list_display = ["title", "series", "period_years", "trigger", "schedule_reference"]
    readonly_fields = ["series"]

    def has_add_permission(self, request):
        return False  # series are seeded by migration, one per record series in the code registry


@admin.register(DisposalCertificate)
class DisposalCertificateAdmin(ReadOnlyRecordAdmin):
    """Read-only: the Clerk's pages file, approve and withdraw; the nightly job drafts and executes.
    Never deleted: tombstones point at it without a database constraint."""

    list_display = ["number", "state", "drafted_at", "filed_on", "approved_on", "executed_at"]
    list_filter = ["state"]


@admin.register(DisposalTombstone)
class DisposalTombstoneAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # Not tracked by history (one immutable row per destroyed record): a plain ModelAdmin.
    list_display = ["series", "original_id", "record_date", "content_sha256", "certificate", "destroyed_at"]
    list_filter = ["series"]
    search_fields = ["=original_id", "=content_sha256"]
    list_select_related = ["certificate"]


# --- FOIA ---


@admin.register(FoiaRequester)
class FoiaRequesterAdmin(UndeletableRecordAdmin):
    list_display = ["name", "organisation", "kind", "email"]
    search_fields = ["name", "organisation", "email"]


@admin.register(FoiaRequest)
class FoiaRequestAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "received_on", "due_on", "state", "assignee"]
    list_filter = ["state"]
    raw_id_fields = ["requester", "commenters", "hold"]
    # Changes go through the Clerk's pages (services), which keep the clock and the hold right.


@admin.register(FoiaLetterTemplate)
class FoiaLetterTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "subject"]


@admin.register(FoiaLetter)
class FoiaLetterAdmin(ReadOnlyRecordAdmin):
    list_display = ["request", "kind", "sent_on", "sent_by"]
    raw_id_fields = ["request"]


@admin.register(Redaction)
class RedactionAdmin(ReadOnlyRecordAdmin):
    list_display = ["request", "record_kind", "record_id", "field", "state", "exemption"]
    list_filter = ["state", "exemption"]
    raw_id_fields = ["request"]


@admin.register(FoiaExport)
class FoiaExportAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "state", "processed_records", "total_records", "finished_at"]
    raw_id_fields = ["request"]


@admin.register(FoiaDownload)
class FoiaDownloadAdmin(ReadOnlyRecordAdmin):
    list_display = ["export", "user", "downloaded_at", "ip_address"]
    raw_id_fields = ["export"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from records.models import LegalHold


@admin.register(LegalHold)
class LegalHoldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "matter", "placed_by", "placed_at", "released_at"]
    raw_id_fields = ["comments", "commenters"]


# --- FOIA (issue 7) ---
from records.models import (  # noqa: E402
    FoiaDownload,
    FoiaExport,
    FoiaLetter,
    FoiaLetterTemplate,
    FoiaRequest,
    FoiaRequester,
    Redaction,
)


@admin.register(FoiaRequester)
class FoiaRequesterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "kind", "email"]
    search_fields = ["name", "organisation", "email"]


@admin.register(FoiaRequest)
class FoiaRequestAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "received_on", "due_on", "state", "assignee"]
    list_filter = ["state"]
    raw_id_fields = ["requester", "commenters", "hold"]
    # Changes go through the Clerk's pages (services), which keep the clock and the hold right.
    readonly_fields = ["due_on", "hold", "recurrent_confirmed_by", "recurrent_confirmed_at"]


@admin.register(FoiaLetterTemplate)
class FoiaLetterTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "subject"]


@admin.register(FoiaLetter)
class FoiaLetterAdmin(SimpleHistoryAdmin):
    list_display = ["request", "kind", "sent_on", "sent_by"]
    raw_id_fields = ["request"]


@admin.register(Redaction)
class RedactionAdmin(SimpleHistoryAdmin):
    list_display = ["request", "record_kind", "record_id", "field", "state", "exemption"]
    list_filter = ["state", "exemption"]
    raw_id_fields = ["request"]


@admin.register(FoiaExport)
class FoiaExportAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "state", "processed_records", "total_records", "finished_at"]
    raw_id_fields = ["request"]


@admin.register(FoiaDownload)
class FoiaDownloadAdmin(SimpleHistoryAdmin):
    list_display = ["export", "user", "downloaded_at", "ip_address"]
    raw_id_fields = ["export"]

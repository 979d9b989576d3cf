from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.portal.models import CityClosure, JobRun, LedgerEntry, SignInEvent


class UndeletableMixin:
    """Never deleted in the admin: records are destroyed only by the retention disposal process,
    which respects legal holds, needs an approved Disposal Certificate and leaves a tombstone."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(UndeletableMixin):
    """Shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UndeletableRecordAdmin(UndeletableMixin, SimpleHistoryAdmin):
    """A record the admin may show (and, where allowed, correct) but never delete."""


class ReadOnlyRecordAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Records written only through the services (with who and why in history); the admin
    shows them and changes nothing."""


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """A record's dependent rows, listed on its admin page and changed only by the services."""

    extra = 0
    can_delete = False


admin.site.site_header = "Kankakee Social Media Portal administration"
admin.site.site_title = "Portal admin"


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "started_at", "finished_at", "outcome", "hostname"]
    list_filter = ["name", "outcome"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the database or by a signal, never by a person: shown, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "user", "address"]
    list_filter = ["kind"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "recorded_at", "kind", "subject", "row_id", "record_id", "entry_sha256"]
    list_filter = ["kind", "subject"]
    search_fields = ["=seq", "=record_id", "content_sha256", "entry_sha256"]
    show_full_result_count = False  # counting millions of entries on every page is not worth it


@admin.register(CityClosure)
class CityClosureAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason"]
    date_hierarchy = "date"

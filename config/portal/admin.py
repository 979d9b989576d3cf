from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.portal.models import CityClosure, JobRun


class UndeletableRecordAdmin(SimpleHistoryAdmin):
    """A record the admin may show (and, where allowed, correct) but never delete: records are
    destroyed only by the retention disposal process, which respects legal holds, needs an
    approved Disposal Certificate and leaves a tombstone."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyRecordAdmin(UndeletableRecordAdmin):
    """Records written only through the services (with who and why in history); the admin
    shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.site_header = "Kankakee Social Media Portal administration"
admin.site.site_title = "Portal admin"


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "started_at", "finished_at", "outcome", "hostname"]
    list_filter = ["name", "outcome"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CityClosure)
class CityClosureAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason"]
    date_hierarchy = "date"

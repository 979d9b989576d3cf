from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.models import CityClosure, JobRun

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

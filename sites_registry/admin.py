from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sites_registry.models import Platform, Site


@admin.register(Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "terms_url"]
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["account_name", "platform", "handle", "department", "state"]
    list_filter = ["platform", "state"]
    search_fields = ["account_name", "handle"]

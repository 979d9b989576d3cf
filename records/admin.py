from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from records.models import LegalHold


@admin.register(LegalHold)
class LegalHoldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "matter", "placed_by", "placed_at", "released_at"]
    raw_id_fields = ["comments", "commenters"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from moderation.models import Comment, Commenter


@admin.register(Commenter)
class CommenterAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "platform", "platform_user_id"]
    list_filter = ["platform"]
    search_fields = ["display_name", "platform_user_id"]


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["platform_item_id", "site", "kind", "posted_at", "platform_state"]
    list_filter = ["kind", "platform_state", "site"]
    search_fields = ["platform_item_id"]
    raw_id_fields = ["parent", "author"]
    list_select_related = ["site"]
    show_full_result_count = False

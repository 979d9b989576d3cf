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


# --- Removals, reports, referrals, notices, restrictions (issue 5) -----------------------
from moderation.models import (  # noqa: E402
    AccountRestriction,
    CommenterNotice,
    NoticeTemplate,
    Referral,
    Removal,
    RemovalCategory,
    ViolationReport,
)


class ReadOnlyRecordAdmin(SimpleHistoryAdmin):
    """Records written only through the services (with who and why in history); the admin
    shows them. Nobody deletes them here: only the retention disposal process destroys."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RemovalCategoryInline(admin.TabularInline):
    model = RemovalCategory
    extra = 0
    can_delete = False
    readonly_fields = ["category"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Removal)
class RemovalAdmin(ReadOnlyRecordAdmin):
    list_display = ["pk", "retained_platform_item_id", "site", "removed_at", "action", "review_status"]
    list_filter = ["review_status", "action", "site"]
    search_fields = ["retained_platform_item_id"]
    date_hierarchy = "removed_at"
    list_select_related = ["site"]
    inlines = [RemovalCategoryInline]
    show_full_result_count = False


@admin.register(ViolationReport)
class ViolationReportAdmin(ReadOnlyRecordAdmin):
    list_display = ["pk", "site", "state", "outcome", "notified_at", "due_date", "assignee"]
    list_filter = ["state", "outcome"]
    date_hierarchy = "notified_at"
    list_select_related = ["site", "assignee"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyRecordAdmin):
    list_display = ["pk", "kind", "agency", "platform", "status", "referred_at"]
    list_filter = ["kind", "status"]


@admin.register(CommenterNotice)
class CommenterNoticeAdmin(ReadOnlyRecordAdmin):
    list_display = ["pk", "removal", "status", "channel", "recorded_at"]
    list_filter = ["status", "channel"]


@admin.register(AccountRestriction)
class AccountRestrictionAdmin(ReadOnlyRecordAdmin):
    list_display = ["pk", "commenter", "scope", "state", "starts_at", "expires_at"]
    list_filter = ["scope", "state"]


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False

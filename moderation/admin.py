from django import forms
from django.contrib import admin, messages

from config.portal.admin import ReadOnlyInline, ReadOnlyMixin, ReadOnlyRecordAdmin, UndeletableRecordAdmin
from config.portal.audit import stamp
from moderation.capture.services import integration_token_revoke
from moderation.models import (
    AccountRestriction,
    CaptureRun,
    Comment,
    Commenter,
    CommenterNotice,
    IntegrationToken,
    NoticeTemplate,
    PlatformBlock,
    Referral,
    Removal,
    RemovalCategory,
    SiteConnection,
    ViolationReport,
)


@admin.register(Commenter)
class CommenterAdmin(UndeletableRecordAdmin):
    list_display = ["display_name", "platform", "platform_user_id"]
    list_filter = ["platform"]
    search_fields = ["display_name", "platform_user_id"]


@admin.register(Comment)
class CommentAdmin(UndeletableRecordAdmin):
    list_display = ["platform_item_id", "site", "kind", "posted_at", "platform_state"]
    list_filter = ["kind", "platform_state", "site"]
    # Captures are evidence: they change only through imports (which keep history).
    readonly_fields = ["text", "raw_payload", "payload_sha256", "posted_at", "captured_at"]
    search_fields = ["platform_item_id"]
    raw_id_fields = ["parent", "author"]
    list_select_related = ["site"]
    show_full_result_count = False


class IntegrationTokenForm(forms.ModelForm):
    class Meta:
        model = IntegrationToken
        fields = ["name", "sites"]


@admin.register(IntegrationToken)
class IntegrationTokenAdmin(UndeletableRecordAdmin):
    """Tokens for the Capture API. The token is shown once, when issued; only its hash is kept.
    Revoked, never deleted: the history says which tool sent what."""

    form = IntegrationTokenForm
    list_display = ["name", "token_prefix", "created_by", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["token_prefix", "created_by", "created_at", "revoked_at"]
    filter_horizontal = ["sites"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            stamp(obj, actor=request.user, reason="Integration token changed in the admin")
            obj.save()
            return
        obj.created_by = request.user
        token = obj.issue()
        stamp(obj, actor=request.user, reason="Integration token issued").save()
        self.message_user(
            request,
            f"The token for “{obj.name}” is {token} — copy it now; it is not shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            integration_token_revoke(actor=request.user, token=token)
        self.message_user(request, f"{queryset.count()} token(s) revoked.")


# --- Removals, reports, referrals, notices, restrictions ----------------------------------


class RemovalCategoryInline(ReadOnlyInline):
    model = RemovalCategory
    readonly_fields = ["category"]


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
class NoticeTemplateAdmin(UndeletableRecordAdmin):
    list_display = ["name", "is_active", "updated_at"]


# --- Automatic capture ------------------------------------------------------------------
# Shown, never changed here: connecting and disconnecting go through the connection page
# (moderation.connectors.views), which records who did it. ConnectionSecret is not
# registered at all: no admin page ever shows a site's credentials, not even encrypted.


@admin.register(SiteConnection)
class SiteConnectionAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "site",
        "state",
        "method",
        "account_id",
        "interval_minutes",
        "connected_by",
        "connected_at",
    ]
    list_filter = ["state", "method"]
    fields = [
        "site",
        "state",
        "state_reason",
        "method",
        "account_id",
        "interval_minutes",
        "connected_by",
        "connected_at",
    ]
    list_select_related = ["site__platform", "connected_by"]


@admin.register(CaptureRun)
class CaptureRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "site",
        "started_at",
        "finished_at",
        "outcome",
        "rescan",
        "full",
        "created",
        "updated",
        "deletions_found",
        "requested_by",
    ]
    list_filter = ["outcome", "rescan", "full", "site"]
    date_hierarchy = "started_at"
    list_select_related = ["site__platform", "requested_by"]
    show_full_result_count = False


@admin.register(PlatformBlock)
class PlatformBlockAdmin(ReadOnlyRecordAdmin):
    list_display = ["commenter", "site", "first_seen_at", "last_seen_at", "gone_at"]
    list_filter = ["site", ("gone_at", admin.EmptyFieldListFilter)]
    search_fields = ["commenter__display_name", "commenter__platform_user_id"]
    list_select_related = ["site__platform", "commenter"]

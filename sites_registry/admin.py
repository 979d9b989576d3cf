from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from config.portal.admin import ReadOnlyInline, ReadOnlyRecordAdmin
from config.portal.forms import apply_service_errors
from sites_registry.models import ComplianceItem, Platform, PolicyDocument, Site, SiteDecision

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "terms_url", "reporting_url"]
    search_fields = ["name", "slug"]


class ComplianceItemInline(ReadOnlyInline):
    model = ComplianceItem
    fields = ["kind", "status", "where_shown", "not_possible_reason", "checked_by", "checked_at"]
    readonly_fields = fields


class SiteDecisionInline(ReadOnlyInline):
    model = SiteDecision
    fields = ["decided_at", "action", "from_state", "to_state", "decided_by", "reason"]
    readonly_fields = fields


class SiteAdminForm(forms.ModelForm):
    url = forms.URLField(label="Public URL", max_length=500, assume_scheme="https")

    class Meta:
        model = Site
        fields = [
            "platform",
            "account_name",
            "handle",
            "url",
            "department",
            "audiences",
            "authorised_posters",
            "contact_information",
        ]

    def clean(self):
        from sites_registry.services import validate_site_identity

        cleaned = super().clean()
        platform, handle, url = cleaned.get("platform"), cleaned.get("handle"), cleaned.get("url")
        if platform and handle and url:
            try:
                cleaned["handle"] = validate_site_identity(
                    platform=platform, handle=handle, url=url, exclude_pk=self.instance.pk
                )
            except ValidationError as error:
                apply_service_errors(self, error)
        return cleaned


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    form = SiteAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = ["account_name", "platform", "handle", "department", "state", "last_certified_at"]
    list_filter = ["platform", "state"]
    search_fields = ["account_name", "handle", "department"]
    # Decisions are made on the portal's site page, where the checklist gate and the dated
    # decision record apply; the admin corrects details only.
    readonly_fields = ["state", "requested_by", "last_certified_at", "last_certified_by"]
    inlines = [ComplianceItemInline, SiteDecisionInline]

    def save_model(self, request, obj, form, change):
        # A site added here is a request like one made on the portal: it opens the Sec. IV
        # checklist, so the approval gate applies to it (selectors.open_mandatory_items).
        if not change and obj.requested_by_id is None:
            obj.requested_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            for kind in ComplianceItem.Kind.values:
                ComplianceItem.objects.get_or_create(site=obj, kind=kind)


@admin.register(ComplianceItem)
class ComplianceItemAdmin(ReadOnlyRecordAdmin):
    """The checklist is kept on the portal's site page, where the "where possible" rule applies."""

    list_display = ["site", "kind", "status", "checked_by", "checked_at"]
    list_filter = ["status", "kind"]
    search_fields = ["site__account_name", "site__handle"]


@admin.register(SiteDecision)
class SiteDecisionAdmin(ReadOnlyRecordAdmin):
    list_display = ["site", "action", "from_state", "to_state", "decided_by", "decided_at"]
    list_filter = ["action"]
    search_fields = ["site__account_name", "reason"]


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ReadOnlyRecordAdmin):
    """Amendments are published on the portal (new version, effective the day posted); a
    published version never changes (Sec. V, VIII), so the admin only shows them."""

    list_display = ["kind", "version", "effective_date", "published_by"]
    list_filter = ["kind"]
    search_fields = ["text", "change_summary"]

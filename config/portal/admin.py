from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.portal.models import CityClosure, JobRun, LedgerEntry


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


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Written by the database alone (config.portal.ledger): shown, never changed."""

    list_display = ["seq", "recorded_at", "kind", "subject", "row_id", "record_id", "entry_sha256"]
    list_filter = ["kind", "subject"]
    search_fields = ["=seq", "=record_id", "content_sha256", "entry_sha256"]
    show_full_result_count = False  # counting millions of entries on every page is not worth it


@admin.register(CityClosure)
class CityClosureAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason"]
    date_hierarchy = "date"


# --- Sign-in: the log, current lockouts, resetting a person's second factors ------------------
from axes.models import AccessAttempt  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.html import format_html  # noqa: E402

from config.portal.accounts import mfa  # noqa: E402
from config.portal.accounts.models import SignInEvent  # noqa: E402


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every sign-in, failure, lockout, unlock and second-factor event, with time and address."""

    list_display = ("occurred_at", "kind", "username", "address", "path", "actor", "detail")
    list_filter = ("kind", "occurred_at")
    search_fields = ("username", "address", "detail")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)


@admin.register(AccessAttempt)
class LockoutAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Failure counters of django-axes: a row at the failure limit is a lockout. Unlocking goes
    through the portal's unlock page, which records who unlocked and why."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "unlock")
    search_fields = ("username", "ip_address")
    readonly_fields = ("unlock",)

    @admin.display(description="Unlock")
    def unlock(self, obj):
        url = reverse("signin-admin:unlock")
        return format_html(
            '<a href="{}?username={}&amp;address={}">Unlock…</a>',
            url,
            obj.username or "",
            obj.ip_address or "",
        )


User = get_user_model()
for _otp_model in (
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "django_otp_webauthn.WebAuthnCredential",
    "django_otp_webauthn.WebAuthnAttestation",
):
    # Factors are removed only by the person (security page) or by the recorded reset below.
    from django.apps import apps as _apps

    _model = _apps.get_model(_otp_model)
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    readonly_fields = (*UserAdmin.readonly_fields, "second_factors")
    fieldsets = (*UserAdmin.fieldsets, ("Second factor", {"fields": ("second_factors",)}))

    @admin.display(description="Second factors")
    def second_factors(self, obj):
        if obj.pk is None:
            return "-"
        return format_html(
            "{} authenticator app(s), {} passkey(s), {} recovery code(s) left. "
            '<a href="{}">Reset second factors…</a>',
            mfa.authenticator_apps(obj).count(),
            mfa.passkeys(obj).count(),
            mfa.recovery_codes_left(obj),
            reverse("signin-admin:factors-reset", args=[obj.pk]),
        )

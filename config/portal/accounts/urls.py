from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from config.portal.accounts import views
from config.portal.accounts.forms import PortalPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("two-factor/", views.second_factor, name="second-factor"),
    path("two-factor/setup/", views.second_factor_setup, name="second-factor-setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("security/", views.security, name="security"),
    path("security/remove/<str:kind>/<int:pk>/", views.factor_remove, name="factor-remove"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password-change-done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/password_reset_form.html",
            form_class=PortalPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password-reset-done"),
            extra_email_context={
                "timeout_text": f"{settings.PASSWORD_RESET_TIMEOUT // 60} minutes after it was sent"
            },
            extra_context={"reset_timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
        ),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
]

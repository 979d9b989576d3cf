from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.portal import views
from moderation.capture import api as capture_api

portal_patterns = (
    [
        path("", views.staff_home, name="home"),
        path("search/", views.search, name="search"),
        path("history/<str:app_label>/<str:model_name>/<int:pk>/", views.record_history, name="history"),
    ],
    "portal",
)

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Second factor, passkeys, own password (config/portal/accounts).
    path("accounts/", include("config.portal.accounts.urls")),
    # Passkeys (WebAuthn): the JSON endpoints of django-otp-webauthn, reversed by its own namespace.
    path("accounts/webauthn/", include("config.portal.accounts.webauthn_urls", namespace="otp_webauthn")),
    path("admin/", admin.site.urls),
    path("portal/", include(portal_patterns)),
    path("portal/sign-in/", include("config.portal.accounts.admin_urls")),
    # Token-authenticated JSON API for archiving tools (moderation/capture/api.py).
    path("api/v1/", capture_api.urls()),
    path("", include("sites_registry.urls")),
    path("", include("moderation.urls")),
    path("", include("records.urls")),
]

"""URL patterns of the automatic-capture pages; gathered by moderation/urls.py (namespace "moderation")."""

from django.urls import path

from moderation.connectors import views

urlpatterns = [
    path("portal/moderation/capture/health/", views.capture_health, name="capture-health"),
    path("portal/moderation/connections/<int:site_pk>/", views.connection_connect, name="connection-connect"),
    path(
        "portal/moderation/connections/<int:site_pk>/disconnect/",
        views.connection_disconnect,
        name="connection-disconnect",
    ),
    path("portal/moderation/connections/<int:site_pk>/capture/", views.capture_now, name="capture-now"),
    # One fixed address for every platform (registered with each platform's app).
    path(
        "portal/moderation/connections/oauth/callback/",
        views.connection_oauth_callback,
        name="connection-oauth-callback",
    ),
]
